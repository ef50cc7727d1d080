"""A real password hasher that also counts how often a password is checked."""

import threading

from django.contrib.auth.hashers import MD5PasswordHasher


class CountingMD5Hasher(MD5PasswordHasher):
    # Same algorithm name: the hashes the factories store verify unchanged.
    checks = 0
    _lock = threading.Lock()

    def verify(self, password: str, encoded: str) -> bool:
        with CountingMD5Hasher._lock:
            CountingMD5Hasher.checks += 1
        return super().verify(password, encoded)
