"""The client's address as the login and page-password throttling counts it.

The address is REMOTE_ADDR unless ``TRUSTED_PROXY_COUNT`` reverse proxies stand
in front of the site. Each proxy appends the address it received the request
from to ``TRUSTED_PROXY_HEADER`` (X-Forwarded-For), so with N proxies the
client is the N-th entry from the right; anything further left came from the
client and may be made up.

An IPv6 client usually holds a whole /64 and can pick a new address in it for
every request, so IPv6 addresses are counted per /64 (stored as the first
address of the /64). IPv4-mapped IPv6 addresses count as the IPv4 address.
"""

import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger(__name__)

# Stands for a request whose address cannot be read (an empty REMOTE_ADDR from a Unix
# socket, a header with garbage in it): all such requests share one count.
UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104

IPV6_NETWORK_MASK = ~((1 << 64) - 1) & ((1 << 128) - 1)


def parse_address(value):
    """An ``ipaddress`` address from REMOTE_ADDR or a header entry, or None if it is not one.

    Accepts the forms proxies write: ``198.51.100.7``, ``198.51.100.7:443``,
    ``2001:db8::7`` and ``[2001:db8::7]:443``.
    """
    value = (value or "").strip()
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def counted_address(address):
    """The address the throttling counts for ``address`` (an ``ipaddress`` address)."""
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Address(int(address) & IPV6_NETWORK_MASK))
    return str(address)


def normalize_address(value):
    """``counted_address`` for a string, e.g. one an operator typed; unchanged if it is no address."""
    address = parse_address(value)
    return counted_address(address) if address else value


def client_address(request):
    """AXES_CLIENT_IP_CALLABLE: the counted address of the client that sent ``request``."""
    meta = request.META
    proxies = settings.TRUSTED_PROXY_COUNT
    address = None
    if proxies > 0:
        entries = str(meta.get(settings.TRUSTED_PROXY_HEADER, "")).split(",")
        if len(entries) >= proxies:
            address = parse_address(entries[-proxies])
        if address is None:
            logger.warning(
                "%s に %d 台目のプロキシが書いた利用者のアドレスがありません"
                "(TRUSTED_PROXY_COUNT=%d)。接続元のアドレスで数えます。",
                settings.TRUSTED_PROXY_HEADER,
                proxies,
                proxies,
            )
    if address is None:
        address = parse_address(meta.get("REMOTE_ADDR"))
    if address is None:
        logger.warning(
            "利用者のアドレスが分からないため、ほかの同じ要求とまとめて数えます。"
            "プロキシの後ろで動かしているなら TRUSTED_PROXY_COUNT を設定してください。"
        )
        return UNKNOWN_ADDRESS
    return counted_address(address)
