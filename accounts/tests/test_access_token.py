"""The quick check of a bearer token (the API's and the waiting room's) accepts only what AccessToken accepts."""

import base64
import datetime
import json
import time
import uuid

import pytest
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts import authentication


def _token(**claims) -> str:
    token = AccessToken()
    token["user_id"] = str(uuid.uuid4())
    for name, value in claims.items():
        token[name] = value
    return str(token)


def _forged(claims: dict, *, key: str | None = None) -> str:
    import jwt

    return jwt.encode(claims, key or api_settings.SIGNING_KEY, algorithm="HS256")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _accepted(token: str) -> bool:
    try:
        AccessToken(token)
    except TokenError:
        return False
    return True


def _claims(**extra) -> dict:
    now = int(time.time())
    return {"token_type": "access", "exp": now + 600, "iat": now, "jti": uuid.uuid4().hex,
            "user_id": str(uuid.uuid4()), **extra}


def _candidates() -> list[str]:
    good = _token()
    head, payload, tag = good.split(".")
    now = int(time.time())
    expired = AccessToken()
    expired["user_id"] = str(uuid.uuid4())
    expired.set_exp(lifetime=datetime.timedelta(seconds=-5))
    return [
        good,
        f"{head}.{payload}.{tag[:-2]}{'AA' if tag[-2:] != 'AA' else 'BB'}",  # tampered tag
        f"{head}.{_b64(json.dumps(_claims()).encode())}.{tag}",  # another payload under the old tag
        str(expired),
        str(RefreshToken()),  # not an access token
        _forged(_claims(), key="another key of at least thirty-two bytes"),
        _forged(_claims(nbf=now + 60)),
        _forged(_claims(iat=now + 60)),
        _forged(_claims(iat=None)),
        _forged(_claims(exp=str(now + 600))),
        _forged(_claims(aud="elsewhere")),
        _forged(_claims(sub=42)),
        _forged(_claims(jti=7)),
        _forged({k: v for k, v in _claims().items() if k != "jti"}),
        _forged({k: v for k, v in _claims().items() if k != "exp"}),
        _forged(_claims(token_type="refresh")),
        _forged(_claims()),  # good, written by PyJWT as simplejwt does
        f"{head}.{payload}",
        f"{head}.{payload}.{tag}.{tag}",
        "not-a-token",
        f"{head}.@@@.{tag}",
    ]


@pytest.mark.parametrize("index", range(len(_candidates())))
def test_the_quick_check_never_accepts_what_access_token_refuses(index):
    token = _candidates()[index]
    claims = authentication.hs256_claims(token, now=time.time())
    if claims is not None:
        assert _accepted(token)
        assert claims == AccessToken(token).payload


def test_the_quick_check_accepts_the_tokens_the_api_issues():
    tokens = [_token() for _ in range(5)]
    assert all(authentication.hs256_claims(token, now=time.time()) is not None for token in tokens)


def test_the_quick_check_leaves_other_settings_to_access_token(settings, monkeypatch):
    token = _token()
    monkeypatch.setattr(api_settings, "LEEWAY", 30)
    assert authentication.hs256_claims(token, now=time.time()) is None


def test_access_token_is_what_access_token_makes_of_a_good_token():
    raw = _token(otp=True)
    authentication.access_token(_token())  # PyJWT has taken the key: the quick check is on
    for given in (raw, raw.encode()):
        token = authentication.access_token(given)
        assert type(token) is AccessToken
        assert token.payload == AccessToken(raw).payload
        assert token.token == given
        assert token.get("otp") is True
        assert str(token) == raw  # signs to the same string again


@pytest.mark.parametrize("index", range(len(_candidates())))
def test_access_token_refuses_what_access_token_refuses_with_the_same_error(index):
    raw = _candidates()[index]
    authentication.access_token(_token())
    try:
        AccessToken(raw)
    except Exception as refused:  # noqa: BLE001 - a string `exp` is a TypeError there, and must stay one here
        with pytest.raises(type(refused)):
            authentication.access_token(raw)
    else:
        assert authentication.access_token(raw).payload == AccessToken(raw).payload


def test_an_expired_token_is_still_told_apart():
    expired = AccessToken()
    expired.set_exp(lifetime=datetime.timedelta(seconds=-5))
    authentication.access_token(_token())
    with pytest.raises(ExpiredTokenError):
        authentication.access_token(str(expired))
