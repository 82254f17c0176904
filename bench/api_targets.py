"""The two apps bench/api.py serves under identical gunicorn settings: Lanewise, and a bare Flask JSON endpoint."""
from flask import Flask, jsonify, request

from app import create_app

lanewise = create_app()

bare = Flask("bare")


@bare.post("/echo")
def echo():
    """Read a JSON body and answer JSON: what any Flask JSON endpoint does at the least."""
    body = request.get_json()
    return jsonify({"district": body.get("district"), "step": body.get("step"), "ok": True})
