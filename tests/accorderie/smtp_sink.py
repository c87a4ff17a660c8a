"""A small SMTP server on 127.0.0.1 that keeps the mails it receives.

It speaks the part of SMTP that CKAN's mailer uses (EHLO, MAIL, RCPT,
DATA, QUIT), with no TLS and no login.
"""
from __future__ import annotations

import email
import email.policy
import socketserver
import threading
from email.message import EmailMessage


class _Handler(socketserver.StreamRequestHandler):
    def _reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        self._reply("220 127.0.0.1 test SMTP server")
        recipients: list[str] = []
        while True:
            line = self.rfile.readline().decode("utf-8", "replace").rstrip("\r\n")
            if not line:
                return
            command = line[:4].upper()
            if command in ("EHLO", "HELO"):
                self._reply("250 127.0.0.1")
            elif command == "MAIL":
                recipients = []
                self._reply("250 OK")
            elif command == "RCPT":
                recipients.append(line.split(":", 1)[1].strip(" <>"))
                self._reply("250 OK")
            elif command == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                self._read_data(recipients)
                self._reply("250 OK")
            elif command == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("250 OK")

    def _read_data(self, recipients: list[str]) -> None:
        lines = []
        while True:
            line = self.rfile.readline()
            if line in (b".\r\n", b".\n", b""):
                break
            lines.append(line[1:] if line.startswith(b"..") else line)
        message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
        self.server.messages.append((recipients, message))  # type: ignore[attr-defined]


class SmtpSink(socketserver.ThreadingTCPServer):
    """Keeps ``messages``: a list of (recipients, EmailMessage)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def address(self) -> str:
        host, port = self.server_address[:2]
        return f"{host}:{port}"

    def start(self) -> "SmtpSink":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def to(self, address: str) -> list[EmailMessage]:
        return [message for recipients, message in self.messages if address in recipients]
