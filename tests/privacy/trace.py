"""Run a command under `strace -f` and list every network destination it tried to reach.

Tracing connect, sendto, sendmsg and sendmmsg of the whole process tree catches TCP connections, UDP packets and
DNS lookups (glibc connects a UDP socket to the name server, then sends both queries with one sendmmsg) whether
or not they succeed, so the same check holds inside a network namespace where every attempt fails.

A destination is allowed when it is local: AF_UNIX, AF_NETLINK (interface queries), loopback (127/8, ::1,
::ffff:127/104) or an endpoint the scenario configured. A DNS query is never allowed, even to a resolver on
loopback: asking for a name means the process wanted to reach something outside."""

from __future__ import annotations

import ipaddress
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

SYSCALLS = "connect,sendto,sendmsg,sendmmsg"
LOCAL_FAMILIES = {"AF_UNIX", "AF_LOCAL", "AF_NETLINK", "AF_UNSPEC"}
DNS_PORT = 53

_CALL = re.compile(r"^(?P<pid>\d+)\s+(?P<call>connect|sendto|sendmsg|sendmmsg)\(")
_FAMILY = re.compile(r"(?:sa_family|nl_family)=(?P<family>AF_\w+)")
_INET = re.compile(r'sin_port=htons\((?P<port>\d+)\), sin_addr=inet_addr\("(?P<addr>[^"]+)"\)')
_INET6 = re.compile(r'sin6_port=htons\((?P<port>\d+)\).*?inet_pton\(AF_INET6, "(?P<addr>[^"]+)"', re.DOTALL)
_OCTAL = re.compile(r"[0-7]{1,3}")
_HEX = re.compile(r"[0-9a-fA-F]{2}")


@dataclass(frozen=True)
class Attempt:
    pid: int
    call: str
    family: str
    address: str = ""  # the IP, or "" for families without one
    port: int = 0
    line: str = ""

    def describe(self) -> str:
        where = f"{self.address}:{self.port}" if self.address else self.family
        dns = dns_name(self.line)
        return f"{self.call} to {where}" + (f" (DNS query for {dns})" if dns else "") + f" [pid {self.pid}]"


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int


def strace_path() -> str | None:
    return shutil.which("strace")


def parse(trace: str) -> list[Attempt]:
    """Every socket destination named in an strace log (one line per call, `-f` pid prefix)."""
    attempts: list[Attempt] = []
    for line in trace.splitlines():
        match = _CALL.match(line)
        if not match:
            continue
        pid, call = int(match["pid"]), match["call"]
        # Find each address in the line (sendmmsg may carry several; NULL means a connected socket, whose
        # destination its connect already showed).
        for family_match in _FAMILY.finditer(line):
            family = family_match["family"]
            rest = line[family_match.end() :]
            if family == "AF_INET" and (inet := _INET.match(rest.lstrip(", "))):
                attempts.append(Attempt(pid, call, family, inet["addr"], int(inet["port"]), line))
            elif family == "AF_INET6" and (inet6 := _INET6.search(rest)):
                attempts.append(Attempt(pid, call, family, inet6["addr"], int(inet6["port"]), line))
            else:
                attempts.append(Attempt(pid, call, family, line=line))
    return attempts


def unescape(text: str) -> bytes:
    """strace's C-style string escapes back to bytes."""
    simple = {"n": 10, "t": 9, "r": 13, "v": 11, "f": 12, '"': 34, "\\": 92}
    out = bytearray()
    i = 0
    while i < len(text):
        char = text[i]
        if char != "\\" or i + 1 == len(text):
            out += char.encode("latin-1", "replace")
            i += 1
            continue
        octal = _OCTAL.match(text, i + 1)
        if octal:
            out.append(int(octal.group(), 8) & 0xFF)
            i = octal.end()
        elif text[i + 1] == "x" and (hexa := _HEX.match(text, i + 2)):
            out.append(int(hexa.group(), 16))
            i = hexa.end()
        else:
            out.append(simple.get(text[i + 1], ord(text[i + 1]) & 0xFF))
            i += 2
    return bytes(out)


def dns_name(line: str) -> str:
    """The name a DNS question in this line asks for, or ""."""
    for payload in re.findall(r'iov_base="((?:[^"\\]|\\.)*)"', line) or re.findall(
        r'\(\d+, "((?:[^"\\]|\\.)*)"', line
    ):
        message = unescape(payload)
        labels, offset = [], 12  # past the header: id, flags, four counts
        while offset < len(message) and 0 < message[offset] < 64:
            size = message[offset]
            labels.append(message[offset + 1 : offset + 1 + size].decode("ascii", "replace"))
            offset += 1 + size
        if labels and len(message) >= 12:
            return ".".join(labels)
    return ""


def is_local(attempt: Attempt, allowed: Iterable[Endpoint] = ()) -> bool:
    if attempt.family in LOCAL_FAMILIES:
        return True
    if attempt.family not in ("AF_INET", "AF_INET6") or not attempt.address:
        return False  # a raw or packet socket, Bluetooth...: never expected
    if attempt.port == DNS_PORT:
        return False
    if any(attempt.address == e.host and attempt.port == e.port for e in allowed):
        return True
    address = ipaddress.ip_address(attempt.address)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_loopback


def dns_questions(trace: str) -> list[str]:
    """The names asked of a name server over a connected socket (the query follows the connect, without an
    address of its own): "NAME via ADDRESS:53"."""
    server_by_fd: dict[str, str] = {}
    names: list[str] = []
    for line in trace.splitlines():
        match = re.match(r"^\d+\s+(connect|sendto|sendmsg|sendmmsg)\((\d+), ", line)
        if not match:
            continue
        call, fd = match.groups()
        if call == "connect":
            [attempt] = parse(line) or [None]
            if attempt is not None and attempt.port == DNS_PORT:
                server_by_fd[fd] = f"{attempt.address}:{attempt.port}"
            else:
                server_by_fd.pop(fd, None)
        elif fd in server_by_fd and (name := dns_name(line)):
            names.append(f"{name} via {server_by_fd[fd]}")
    return list(dict.fromkeys(names))


def outbound(trace: str, allowed: Iterable[Endpoint] = ()) -> list[str]:
    """What the traced processes tried to reach beyond this machine: one line per distinct destination, then
    the names looked up."""
    allowed = list(allowed)
    seen: dict[str, None] = {}
    for attempt in parse(trace):
        if not is_local(attempt, allowed):
            seen.setdefault(attempt.describe().rsplit(" [pid", 1)[0], None)
    for question in dns_questions(trace):
        seen.setdefault(f"DNS query for {question}", None)
    return list(seen)


@dataclass
class TracedRun:
    returncode: int
    stdout: str
    stderr: str
    trace: str

    def outbound(self, allowed: Iterable[Endpoint] = ()) -> list[str]:
        return outbound(self.trace, allowed)


def traced_run(
    command: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path,
    trace_file: Path,
    timeout: float,
    stdin: str | None = None,
) -> TracedRun:
    """Run `command` under strace (following every child) and return its output and the trace."""
    strace = strace_path()
    if strace is None:
        raise RuntimeError("strace is not installed")
    # --seccomp-bpf stops only at the traced calls, so the traced program runs at nearly full speed.
    wrapped = [
        strace,
        "-f",
        "--seccomp-bpf",
        "-qq",
        "-e",
        "signal=none",
        "-e",
        f"trace={SYSCALLS}",
        "-s",
        "256",
        "-o",
        str(trace_file),
        *command,
    ]
    done = subprocess.run(
        wrapped,
        env=dict(env),
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return TracedRun(done.returncode, done.stdout, done.stderr, trace_file.read_text(errors="replace"))
