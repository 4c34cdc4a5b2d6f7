from flask.testing import FlaskClient


def test_health_is_ok(client: FlaskClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_unknown_route_is_a_json_404(client: FlaskClient) -> None:
    response = client.get("/no-such-route")
    assert response.status_code == 404
    assert response.get_json() == {"detail": "Not Found"}
