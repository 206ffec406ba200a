"""Where `make run` serves the demo, so QR codes, receipts and links point at it.

The site builds every absolute link from SITE_BASE_URL, never from a request's Host header.
`make run` serves on HOST:PORT, so it derives SITE_BASE_URL (and ALLOWED_HOSTS) from them: on
127.0.0.1 the links stay on this machine; on 0.0.0.0 they carry the machine's LAN address, so a
phone on the same network can scan a deputy's QR code and land on the form. Settings the caller
set explicitly win. Run as `python -m portal.demo HOST PORT`: prints them as shell-quoted
NAME=value words for the Makefile to put before each command.
"""

import ipaddress
import os
import shlex
import socket
import sys

LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
ANY_ADDRESS = {"0.0.0.0", "::", "[::]", ""}  # noqa: S104 (recognised, not bound to)


def lan_address():
    """This machine's address on the network its default route leads to. Connecting a UDP
    socket sends nothing; it only makes the system choose the outgoing interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 9))
            return probe.getsockname()[0]
        except OSError:  # no network at all: the demo still works on this machine
            return "127.0.0.1"


def url_host(host):
    """The host as it is written in a URL: an IPv6 address goes in brackets."""
    try:
        if ipaddress.ip_address(host.strip("[]")).version == 6:
            return f"[{host.strip('[]')}]"
    except ValueError:
        pass
    return host


def serve_settings(host, port, environ=None, lan=lan_address):
    """{"SITE_BASE_URL": ..., "ALLOWED_HOSTS": ...} for serving on host:port; a name already in
    environ is left out (the caller's own value stays in force)."""
    environ = os.environ if environ is None else environ
    public = lan() if host in ANY_ADDRESS else host
    hosts = LOCAL_HOSTS + [url_host(public)] * (url_host(public) not in LOCAL_HOSTS)
    values = {
        "SITE_BASE_URL": f"http://{url_host(public)}:{int(port)}",
        "ALLOWED_HOSTS": ",".join(hosts),
    }
    return {name: value for name, value in values.items() if name not in environ}


def main(argv):
    host, port = argv
    print(
        " ".join(
            f"{name}={shlex.quote(value)}" for name, value in serve_settings(host, port).items()
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
