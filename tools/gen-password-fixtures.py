#!/usr/bin/env python3
"""Writes test/fixtures/password-vectors.json: password hashes in the formats that fastpbkdf2/password
reads, produced by re-implementing each original system's encoder with the Python standard library only
(hashlib, hmac, base64, json, os) and never with fastpbkdf2's own code.

Run once; its output is committed:  python3 tools/gen-password-fixtures.py

Every salt is fixed, so the output is deterministic. The encoders follow these originals:
  django    django.contrib.auth.hashers.PBKDF2PasswordHasher / PBKDF2SHA1PasswordHasher.encode:
            "%s$%d$%s$%s" % (algorithm, iterations, salt, b64encode(pbkdf2(password, salt)).strip());
            the salt is the ASCII string itself, dklen = digest size.
  werkzeug  werkzeug.security.generate_password_hash / _hash_internal, method "pbkdf2":
            "pbkdf2:<hash>:<iterations>$<salt>$<hex(dk)>"; salt string used as is (UTF-8), dklen = digest
            size. A string without iterations ("pbkdf2:sha256$salt$hex") makes check_password_hash use
            the verifying Werkzeug's DEFAULT_PBKDF2_ITERATIONS (1,000,000 since 3.1); such vectors record
            which default they were computed with ("werkzeugDefaultIterations").
  passlib   passlib.hash.pbkdf2_sha1/sha256/sha512: "$pbkdf2[-<hash>]$<rounds>$<ab64 salt>$<ab64 dk>",
            ab64 = standard base64 without padding, "+" replaced by "."; dklen = digest size.
  phc       PHC string format as written by RustCrypto's pbkdf2 crate: "$<id>$i=<rounds>,l=<len>$<B64
            salt>$<B64 dk>", B64 = standard base64 without padding; ids pbkdf2 (SHA-1), pbkdf2-sha256,
            pbkdf2-sha512; the salt is the decoded bytes.
  aspnet    Microsoft.AspNetCore.Identity.PasswordHasher: V2 = base64(0x00 | salt[16] | subkey[32]),
            HMAC-SHA1, 1000 iterations; V3 = base64(0x01 | prf u32be | iterations u32be | saltlen u32be |
            salt | subkey), prf 0=SHA1 1=SHA256 2=SHA512.
  keycloak  org.keycloak.credential.hash.Pbkdf2PasswordHashProvider, stored as a credential
            representation: {"type":"password","secretData":"<json>","credentialData":"<json>"} with
            secretData {"value": base64(dk), "salt": base64(salt), "additionalParameters": {}} and
            credentialData {"hashIterations": n, "algorithm": "pbkdf2[-sha256|-sha512]",
            "additionalParameters": {}} (Jackson's compact output, fields in that order).
"""
import base64
import hashlib
import hmac
import json
import os

DIGEST_SIZE = {"sha1": 20, "sha256": 32, "sha512": 64}


# ---------------------------------------------------------------------------------------------------
# PBKDF2: hashlib.pbkdf2_hmac, checked against RFC 6070 and against a plain hmac-based RFC 8018 loop.

def pbkdf2(digest, password, salt, iterations, dklen=None):
    return hashlib.pbkdf2_hmac(digest, password, salt, iterations, dklen)


def pbkdf2_reference(digest, password, salt, iterations, dklen):
    out = b""
    block = 1
    while len(out) < dklen:
        u = hmac.new(password, salt + block.to_bytes(4, "big"), digest).digest()
        t = bytearray(u)
        for _ in range(iterations - 1):
            u = hmac.new(password, u, digest).digest()
            for i, b in enumerate(u):
                t[i] ^= b
        out += bytes(t)
        block += 1
    return out[:dklen]


def self_check():
    rfc6070 = [
        (b"password", b"salt", 1, 20, "0c60c80f961f0e71f3a9b524af6012062fe037a6"),
        (b"password", b"salt", 2, 20, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"),
        (b"password", b"salt", 4096, 20, "4b007901b765489abead49d926f721d065a429c1"),
        (b"pass\0word", b"sa\0lt", 4096, 16, "56fa6aa75548099dcc37d7f03425e0c3"),
    ]
    for pw, salt, it, n, want in rfc6070:
        assert pbkdf2("sha1", pw, salt, it, n).hex() == want, "hashlib disagrees with RFC 6070"
    for digest in DIGEST_SIZE:
        for n in (1, DIGEST_SIZE[digest], 2 * DIGEST_SIZE[digest] + 3):
            a = pbkdf2(digest, "pässwörd".encode(), b"NaCl", 3, n)
            assert a == pbkdf2_reference(digest, "pässwörd".encode(), b"NaCl", 3, n)


# ---------------------------------------------------------------------------------------------------
# Encoders, one per original system.

def django_encode(password, salt, iterations, digest):
    assert salt and "$" not in salt
    algorithm = {"sha256": "pbkdf2_sha256", "sha1": "pbkdf2_sha1"}[digest]
    dk = pbkdf2(digest, password.encode("utf-8"), salt.encode("utf-8"), iterations)
    h = base64.b64encode(dk).decode("ascii").strip()
    return "%s$%d$%s$%s" % (algorithm, iterations, salt, h)


def werkzeug_encode(password, salt, method, default_iterations=None):
    # method as given to generate_password_hash: "pbkdf2", "pbkdf2:<hash>" or "pbkdf2:<hash>:<n>".
    name, *args = method.split(":")
    assert name == "pbkdf2"
    if len(args) == 0:
        hash_name, iterations = "sha256", default_iterations
    elif len(args) == 1:
        hash_name, iterations = args[0], default_iterations
    else:
        hash_name, iterations = args[0], int(args[1])
    dk = pbkdf2(hash_name, password.encode("utf-8"), salt.encode("utf-8"), iterations)
    # generate_password_hash always writes the resolved method; the legacy/hand-made variant keeps the
    # method as stored, which check_password_hash then resolves with its own default.
    stored_method = method if len(args) < 2 else "pbkdf2:%s:%d" % (hash_name, iterations)
    return "%s$%s$%s" % (stored_method, salt, dk.hex())


def ab64_encode(data):
    return base64.b64encode(data).rstrip(b"=\n").replace(b"+", b".").decode("ascii")


def passlib_encode(password, salt, rounds, digest):
    ident = {"sha1": "$pbkdf2$", "sha256": "$pbkdf2-sha256$", "sha512": "$pbkdf2-sha512$"}[digest]
    dk = pbkdf2(digest, password.encode("utf-8"), salt, rounds, DIGEST_SIZE[digest])
    return "%s%d$%s$%s" % (ident, rounds, ab64_encode(salt), ab64_encode(dk))


def b64_unpadded(data):
    return base64.b64encode(data).decode("ascii").rstrip("=")


def phc_encode(password, salt, rounds, digest, keylen, with_length=True, ident=None):
    ident = ident or {"sha1": "pbkdf2", "sha256": "pbkdf2-sha256", "sha512": "pbkdf2-sha512"}[digest]
    dk = pbkdf2(digest, password.encode("utf-8"), salt, rounds, keylen)
    params = "i=%d,l=%d" % (rounds, keylen) if with_length else "i=%d" % rounds
    return "$%s$%s$%s$%s" % (ident, params, b64_unpadded(salt), b64_unpadded(dk))


def aspnet_v2_encode(password, salt):
    assert len(salt) == 16
    subkey = pbkdf2("sha1", password.encode("utf-8"), salt, 1000, 32)
    return base64.b64encode(b"\x00" + salt + subkey).decode("ascii")


def aspnet_v3_encode(password, salt, iterations, digest, subkey_len):
    prf = {"sha1": 0, "sha256": 1, "sha512": 2}[digest]
    subkey = pbkdf2(digest, password.encode("utf-8"), salt, iterations, subkey_len)
    blob = (b"\x01" + prf.to_bytes(4, "big") + iterations.to_bytes(4, "big")
            + len(salt).to_bytes(4, "big") + salt + subkey)
    return base64.b64encode(blob).decode("ascii")


def compact(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def keycloak_parts(password, salt, iterations, digest, keylen):
    algorithm = {"sha1": "pbkdf2", "sha256": "pbkdf2-sha256", "sha512": "pbkdf2-sha512"}[digest]
    dk = pbkdf2(digest, password.encode("utf-8"), salt, iterations, keylen)
    secret = {"value": base64.b64encode(dk).decode("ascii"),
              "salt": base64.b64encode(salt).decode("ascii"),
              "additionalParameters": {}}
    cred = {"hashIterations": iterations, "algorithm": algorithm, "additionalParameters": {}}
    return secret, cred


def keycloak_encode(password, salt, iterations, digest, keylen):
    secret, cred = keycloak_parts(password, salt, iterations, digest, keylen)
    return compact({"type": "password", "secretData": compact(secret), "credentialData": compact(cred)})


# ---------------------------------------------------------------------------------------------------

def salt_bytes(tag, n):
    """A fixed, reproducible salt of n bytes (no randomness: the output must be deterministic)."""
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(("fastpbkdf2 fixture salt %s %d" % (tag, counter)).encode()).digest()
        counter += 1
    return out[:n]


PASSWORDS = {
    "ascii": "correct horse battery staple",
    "latin1": "pässwörd",
    "cjk": "密码パスワード",
    "emoji": "🔑 s3cret 🔒",
    "nfd": "Cafe\u0301",  # 'e' + combining acute: must not be normalised to NFC
    "empty": "",
    "long": "x" * 200,  # longer than the SHA-512 block: HMAC pre-hashes the key
    "punct": "pa$$:word{}\"\\",
}


def main():
    self_check()
    vectors = []

    def add(fmt, name, password_key, encoded, digest, iterations, keylen, reproducible=True, **extra):
        v = {"id": "%s/%s" % (fmt, name), "format": fmt, "digest": digest, "iterations": iterations,
             "keylen": keylen, "password": PASSWORDS[password_key], "encoded": encoded,
             "reproducible": reproducible}
        v.update(extra)
        vectors.append(v)

    # Django: salt is a text string (22 chars since Django 3.2; 12 in older releases).
    for name, pw, salt, it, digest in [
        ("sha256-1", "ascii", "seasalt", 1, "sha256"),
        ("sha256-2-latin1", "latin1", "abcdefghijkl", 2, "sha256"),
        ("sha256-1000-cjk", "cjk", "Zz9Yy8Xx7Ww6Vv5Uu4Tt3S", 1000, "sha256"),
        ("sha256-1000-empty", "empty", "Zz9Yy8Xx7Ww6Vv5Uu4Tt3S", 1000, "sha256"),
        ("sha256-1000-nfd", "nfd", "saltsaltsalt", 1000, "sha256"),
        ("sha256-600000-django42", "ascii", "hT8KpC3jQ2vW7mR1nL5sXy", 600000, "sha256"),
        ("sha1-1", "ascii", "seasalt", 1, "sha1"),
        ("sha1-1000-emoji", "emoji", "Q7p2LmN9xR4t", 1000, "sha1"),
        ("sha256-3-long", "long", "longpw", 3, "sha256"),
        ("sha256-5-punct", "punct", "s@lt:with.punct", 5, "sha256"),
    ]:
        add("django", name, pw, django_encode(PASSWORDS[pw], salt, it, digest), digest, it,
            DIGEST_SIZE[digest], salt=salt)

    # Werkzeug: salt is a text string (16 chars from [A-Za-z0-9] by default); hex digest.
    for name, pw, salt, method in [
        ("sha256-1", "ascii", "cXJ8TSpV3bzHPmf2", "pbkdf2:sha256:1"),
        ("sha256-2-latin1", "latin1", "cXJ8TSpV3bzHPmf2", "pbkdf2:sha256:2"),
        ("sha256-1000-cjk", "cjk", "a1B2c3D4e5F6g7H8", "pbkdf2:sha256:1000"),
        ("sha256-1000-empty", "empty", "a1B2c3D4e5F6g7H8", "pbkdf2:sha256:1000"),
        ("sha1-1000-emoji", "emoji", "Wk3Jf9Lq0Zp8Xc7V", "pbkdf2:sha1:1000"),
        ("sha512-1000-nfd", "nfd", "Wk3Jf9Lq0Zp8Xc7V", "pbkdf2:sha512:1000"),
        ("sha512-2-long", "long", "short", "pbkdf2:sha512:2"),
        ("sha256-7-punct", "punct", "Wk3Jf9Lq0Zp8Xc7V", "pbkdf2:sha256:7"),
    ]:
        enc = werkzeug_encode(PASSWORDS[pw], salt, method)
        _, hash_name, it = method.split(":")
        add("werkzeug", name, pw, enc, hash_name, int(it), DIGEST_SIZE[hash_name], salt=salt)
    # Strings without an iteration count: verified with the default the verifier is configured with.
    for name, pw, salt, method, default in [
        ("implicit-sha256-default-1000", "ascii", "nOiTeRaTiOnS1234", "pbkdf2:sha256", 1000),
        ("implicit-bare-default-2000", "latin1", "nOiTeRaTiOnS1234", "pbkdf2", 2000),
    ]:
        enc = werkzeug_encode(PASSWORDS[pw], salt, method, default)
        digest = method.split(":")[1] if ":" in method else "sha256"
        add("werkzeug", name, pw, enc, digest, default, DIGEST_SIZE[digest], reproducible=False, salt=salt,
            werkzeugDefaultIterations=default)

    # passlib: raw salt bytes (16 by default, 0..1024 allowed), ab64.
    for name, pw, salt, rounds, digest in [
        ("sha256-1", "ascii", salt_bytes("passlib-a", 16), 1, "sha256"),
        ("sha256-29000-default", "ascii", salt_bytes("passlib-b", 16), 29000, "sha256"),
        ("sha256-1000-cjk", "cjk", salt_bytes("passlib-c", 16), 1000, "sha256"),
        ("sha256-2-empty", "empty", salt_bytes("passlib-d", 16), 2, "sha256"),
        ("sha1-1000-latin1", "latin1", salt_bytes("passlib-e", 16), 1000, "sha1"),
        ("sha1-2-emptysalt", "ascii", b"", 2, "sha1"),
        ("sha512-1000-emoji", "emoji", salt_bytes("passlib-f", 16), 1000, "sha512"),
        ("sha512-25000-default", "nfd", salt_bytes("passlib-g", 16), 25000, "sha512"),
        ("sha256-3-salt20", "long", salt_bytes("passlib-h", 20), 3, "sha256"),
    ]:
        add("passlib", name, pw, passlib_encode(PASSWORDS[pw], salt, rounds, digest), digest, rounds,
            DIGEST_SIZE[digest], saltHex=salt.hex())

    # PHC string format.
    for name, pw, salt, rounds, digest, keylen, with_length, ident in [
        ("sha256-1", "ascii", salt_bytes("phc-a", 16), 1, "sha256", 32, True, None),
        ("sha256-600000-default", "latin1", salt_bytes("phc-b", 16), 600000, "sha256", 32, True, None),
        ("sha256-1000-cjk", "cjk", salt_bytes("phc-c", 16), 1000, "sha256", 32, True, None),
        ("sha256-2-empty", "empty", salt_bytes("phc-d", 16), 2, "sha256", 32, True, None),
        ("sha1-1000-l32", "emoji", salt_bytes("phc-e", 16), 1000, "sha1", 32, True, None),
        ("sha512-1000-l64", "nfd", salt_bytes("phc-f", 16), 1000, "sha512", 64, True, None),
        ("sha512-1000-l32", "ascii", salt_bytes("phc-g", 32), 1000, "sha512", 32, True, None),
        ("sha256-1000-nolength", "ascii", salt_bytes("phc-h", 16), 1000, "sha256", 32, False, None),
        ("sha512-25000-nolength-phcpkg", "latin1", salt_bytes("phc-i", 16), 25000, "sha512", 64, False, None),
        ("sha1-2-ident-pbkdf2-sha1", "ascii", salt_bytes("phc-j", 16), 2, "sha1", 20, True, "pbkdf2-sha1"),
    ]:
        enc = phc_encode(PASSWORDS[pw], salt, rounds, digest, keylen, with_length, ident)
        add("phc", name, pw, enc, digest, rounds, keylen, reproducible=with_length and ident is None,
            saltHex=salt.hex())

    # ASP.NET Core Identity.
    for name, pw, salt in [
        ("v2-latin1", "latin1", salt_bytes("aspnet-v2-a", 16)),
        ("v2-empty", "empty", salt_bytes("aspnet-v2-b", 16)),
    ]:
        add("aspnet-v2", name, pw, aspnet_v2_encode(PASSWORDS[pw], salt), "sha1", 1000, 32, saltHex=salt.hex())
    for name, pw, salt, it, digest, subkey in [
        ("v3-sha256-10000-core", "ascii", salt_bytes("aspnet-v3-a", 16), 10000, "sha256", 32),
        ("v3-sha512-100000-net7", "latin1", salt_bytes("aspnet-v3-b", 16), 100000, "sha512", 32),
        ("v3-sha1-1-cjk", "cjk", salt_bytes("aspnet-v3-c", 16), 1, "sha1", 32),
        ("v3-sha256-2-empty", "empty", salt_bytes("aspnet-v3-d", 16), 2, "sha256", 32),
        ("v3-sha512-1000-salt32-subkey64", "emoji", salt_bytes("aspnet-v3-e", 32), 1000, "sha512", 64),
        ("v3-sha256-1000-subkey16", "nfd", salt_bytes("aspnet-v3-f", 16), 1000, "sha256", 16),
    ]:
        add("aspnet-v3", name, pw, aspnet_v3_encode(PASSWORDS[pw], salt, it, digest, subkey), digest, it,
            subkey, saltHex=salt.hex())

    # Keycloak. Derived key: 512 bits by default (pbkdf2, pbkdf2-sha512, and pbkdf2-sha256 before it
    # moved to 256 bits); verification derives as many bytes as the stored value holds.
    for name, pw, salt, it, digest, keylen in [
        ("sha256-27500-legacy512", "ascii", salt_bytes("kc-a", 16), 27500, "sha256", 64),
        ("sha256-1000-256bit", "latin1", salt_bytes("kc-b", 16), 1000, "sha256", 32),
        ("sha512-1000-cjk", "cjk", salt_bytes("kc-c", 16), 1000, "sha512", 64),
        ("sha1-1000-emoji", "emoji", salt_bytes("kc-d", 16), 1000, "sha1", 64),
        ("sha256-1-nfd", "nfd", salt_bytes("kc-e", 16), 1, "sha256", 32),
    ]:
        add("keycloak", name, pw, keycloak_encode(PASSWORDS[pw], salt, it, digest, keylen), digest, it,
            keylen, saltHex=salt.hex())
    # The same credential as a realm export / database row would hold it: extra fields, and the two
    # data fields as objects rather than JSON strings.
    salt = salt_bytes("kc-f", 16)
    secret, cred = keycloak_parts(PASSWORDS["ascii"], salt, 2, "sha512", 64)
    export = compact({"id": "4d9a1f0e-0000-4000-8000-000000000001", "type": "password",
                      "userLabel": "My password", "createdDate": 1700000000000,
                      "secretData": compact(secret), "credentialData": compact(cred)})
    add("keycloak", "sha512-2-realm-export", "ascii", export, "sha512", 2, 64, reproducible=False,
        saltHex=salt.hex())
    objects = compact({"secretData": secret, "credentialData": cred})
    add("keycloak", "sha512-2-object-fields", "ascii", objects, "sha512", 2, 64, reproducible=False,
        saltHex=salt.hex())

    out = {
        "comment": "Generated by tools/gen-password-fixtures.py from Python's hashlib/hmac/base64/json only; "
                   "do not edit by hand.",
        "vectors": vectors,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures",
                        "password-vectors.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=True)
        f.write("\n")
    print("wrote %d vectors to %s" % (len(vectors), os.path.normpath(path)))


if __name__ == "__main__":
    main()
