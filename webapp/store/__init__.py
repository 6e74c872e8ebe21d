"""The response store: SQLAlchemy models and the functions that change them.

Never imports Flask. Functions take a Session, flush, and leave the commit to the
caller's unit of work (`db.unit_of_work`, or the web request).
"""
