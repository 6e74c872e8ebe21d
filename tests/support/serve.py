"""Serve the app from a folder on a port, for tests that kill and restart the server."""

from __future__ import annotations

import sys
from pathlib import Path

from werkzeug.serving import make_server

from webapp import create_app

if __name__ == "__main__":
    folder, port = Path(sys.argv[1]), int(sys.argv[2])
    app = create_app({"TESTING": True, "RESPONSES_DIR": folder})
    make_server("127.0.0.1", port, app, threaded=True).serve_forever()
