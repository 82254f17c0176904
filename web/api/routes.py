"""JSON API routes."""

from flask import jsonify

from web.api import bp


@bp.route("/openapi.json")
def openapi():
    """Give the OpenAPI document."""
    return jsonify({})
