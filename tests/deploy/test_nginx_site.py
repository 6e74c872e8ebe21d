"""The operator's nginx site, deploy/nginx-kedjekoll.conf, as a whole is valid for
Debian's nginx: the topology test runs only its `location /` block and upload size.

nginx checks it (`nginx -t`) inside an http block, with a throwaway self-signed
certificate in place of the Let's Encrypt paths and every other path in tmp.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.deploy.services import OPERATOR_SITE, require_parts
from tests.store.conftest import STRICT

LIVE = "/etc/letsencrypt/live/kedjekoll.region.example/"


def test_the_operator_site_passes_nginx_t(tmp_path):
    nginx = require_parts()
    openssl = shutil.which("openssl")
    if openssl is None:
        if STRICT:
            pytest.fail("openssl is not installed, and KEDJEKOLL_STRICT=1 forbids skipping")
        pytest.skip("openssl is not installed")
    made = subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days",
                           "1", "-subj", "/CN=kedjekoll.region.example", "-keyout",
                           str(tmp_path / "privkey.pem"), "-out",
                           str(tmp_path / "fullchain.pem")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert made.returncode == 0, made.stderr
    site = OPERATOR_SITE.read_text(encoding="utf-8")
    assert site.count(LIVE) == 2
    (tmp_path / "site.conf").write_text(site.replace(LIVE, f"{tmp_path}/"), encoding="utf-8")
    temp = " ".join(f"{kind}_temp_path {tmp_path / kind};"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"pid {tmp_path / 'nginx.pid'};\nevents {{}}\n"
                    f"http {{\n  {temp}\n  include {tmp_path / 'site.conf'};\n}}\n",
                    encoding="utf-8")
    checked = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-e",
                              str(tmp_path / "error.log"), "-c", str(conf)],
                             capture_output=True, text=True, timeout=60, check=False)
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr
