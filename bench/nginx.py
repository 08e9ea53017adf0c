"""Debian's nginx with the committed config (nginx/eventhub.conf.template), for the benchmarks and the smoke test.

`render` fills the template's ${NAME} placeholders as the nginx image's
envsubst does; `frame` writes the nginx image's nginx.conf around it with
paths of one's own; `start` runs it in the foreground; `serve` does all of
that for the API servers of a benchmark, over HTTPS with a self-signed
certificate for `localhost`, every API server a `server` line of the
`eventhub_api` upstream (as README's "Scaling out" says).
"""

import dataclasses
import datetime
import getpass
import os
import shutil
import signal
import socket
import ssl
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "nginx" / "eventhub.conf.template"
HOST = "localhost"


def binary() -> str | None:
    """Return Debian's nginx (in /usr/sbin, often not on PATH), or None."""
    return shutil.which("nginx", path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")


def render(template: str, values: dict[str, str]) -> str:
    """Fill the template's ${NAME} placeholders, as the nginx image's envsubst does."""
    for name, value in values.items():
        template = template.replace("${" + name + "}", value)
    return template


def self_signed_certificate(directory: Path, host: str = HOST) -> tuple[Path, Path]:
    """Write a self-signed certificate for `host` and its key; return their paths (fullchain.pem, privkey.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, key_cert_sign=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, crl_sign=False, encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def frame(prefix: Path, site_conf: Path, *, worker_processes: int = 1, worker_connections: int = 128) -> Path:
    """Write the nginx image's nginx.conf around `site_conf`, with paths under `prefix`; return its path."""
    # Workers run as this user, who owns the files they serve.
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    (prefix / "logs").mkdir(parents=True, exist_ok=True)
    nginx_conf = prefix / "nginx.conf"
    nginx_conf.write_text(f"""
{user}
worker_processes {worker_processes};
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections {worker_connections}; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {prefix}/logs/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site_conf};
}}
""")
    return nginx_conf


def start(nginx: str, nginx_conf: Path, *, stdout=None) -> subprocess.Popen:
    """Run nginx on `nginx_conf` in the foreground; its output goes to logs/nginx.out (or `stdout`)."""
    prefix = nginx_conf.parent
    with (prefix / "logs" / "nginx.out").open("w") as out:
        return subprocess.Popen(
            [nginx, "-p", str(prefix), "-c", str(nginx_conf), "-e", str(prefix / "logs" / "error.log"),
             "-g", "daemon off;"],
            stdout=stdout or out, stderr=subprocess.STDOUT,
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclasses.dataclass
class Nginx:
    url: str  # https://localhost:<port>
    ca: Path
    process: subprocess.Popen
    prefix: Path

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca))

    def cpu_seconds(self) -> float:
        """Return the CPU time nginx's master and workers have used so far."""
        ticks = os.sysconf("SC_CLK_TCK")
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            pids += [int(pid) for pid in children.read_text().split()]
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / ticks

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.prefix, ignore_errors=True)


def serve(api_ports: list[int], *, directory: Path, static_root: Path, workers: int = 1) -> Nginx:
    """Start the committed config in front of gunicorn on `api_ports` (one upstream `server` line each), over HTTPS."""
    nginx = binary()
    if nginx is None:
        raise SystemExit("nginx is needed for several servers: apt-get install -y nginx (Debian's, /usr/sbin/nginx).")
    https_port, http_port, pwa_port = free_port(), free_port(), free_port()
    cert, key = self_signed_certificate(directory)
    for path in (directory / "media", directory / "acme"):
        path.mkdir(parents=True, exist_ok=True)
    values = {
        "SERVER_NAME": HOST,
        "HTTP_PORT": str(http_port),
        "HTTPS_PORT": str(https_port),
        "API_UPSTREAM": f"127.0.0.1:{api_ports[0]}",
        # Nothing listens there: the benchmarks ask only the API.
        "PWA_UPSTREAM": f"127.0.0.1:{pwa_port}",
        # An address needs no DNS (and Debian's nginx 1.22 has no `resolve`).
        "UPSTREAM_PARAMETERS": "",
        "RESOLVER": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(directory / "media"),
        "SSL_CERTIFICATE": str(cert),
        "SSL_CERTIFICATE_KEY": str(key),
        "ACME_ROOT": str(directory / "acme"),
        "CLIENT_MAX_BODY_SIZE": "11m",
        "HSTS_MAX_AGE": "0",
    }
    template = TEMPLATE.read_text()
    line = "    server ${API_UPSTREAM} ${UPSTREAM_PARAMETERS};\n"
    assert template.count(line) == 1, "the template's eventhub_api upstream has moved: update bench/nginx.py"
    template = template.replace(line, "".join(f"    server 127.0.0.1:{port};\n" for port in api_ports))
    # The JSON access log, one line a request, goes to a file instead of this terminal.
    template = template.replace("access_log /dev/stdout eventhub_json;", f"access_log {directory}/access.log eventhub_json;")
    site_conf = directory / "eventhub.conf"
    site_conf.write_text(render(template, values))
    nginx_conf = frame(directory / "nginx", site_conf, worker_processes=workers, worker_connections=1024)
    process = start(nginx, nginx_conf)
    server = Nginx(url=f"https://{HOST}:{https_port}", ca=cert, process=process, prefix=directory)
    context = server.ssl_context()
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            raise SystemExit(f"nginx exited: {(nginx_conf.parent / 'logs' / 'error.log').read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", https_port), timeout=1) as sock:
                with context.wrap_socket(sock, server_hostname=HOST):
                    return server
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("nginx did not answer in 30 s") from None
            time.sleep(0.2)
