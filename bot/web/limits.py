"""Rate limits for the web chat (per session and per client address) and who the client is."""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Iterable
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
PRUNE_AT = 10_000  # keys kept before idle ones are dropped


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimit:
    """A token bucket per key: `count` events per `period` seconds, refilled smoothly."""

    def __init__(self, count: int, period: float) -> None:
        self.count = count
        self.rate = count / period
        self._buckets: dict[str, _Bucket] = {}

    def allow(self, key: str, now: float) -> float:
        """0 when allowed (and counted); else the seconds until the next one is."""
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= PRUNE_AT:
                self._prune(now)
            bucket = self._buckets[key] = _Bucket(float(self.count), now)
        bucket.tokens = min(float(self.count), bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate

    def _prune(self, now: float) -> None:
        full = [k for k, b in self._buckets.items()
                if b.tokens + (now - b.at) * self.rate >= self.count]
        for key in full:
            del self._buckets[key]


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))


def networks(proxies: Iterable[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def client_address(remote: str | None, forwarded_for: str | None,
                   trusted: tuple[Network, ...]) -> str:
    """The client's address: the peer, or behind trusted proxies the nearest address in
    X-Forwarded-For that is not one of them (earlier entries are the client's to invent)."""
    address = remote or "unknown"
    if not forwarded_for or not is_trusted(address, trusted):
        return address
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if not is_trusted(hop, trusted):
            return hop[:64]
        address = hop
    return address


def is_trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    """The address is one of the trusted proxies'."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def is_local(address: str) -> bool:
    """A loopback address: a request from this machine itself."""
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
