"""gunicorn settings: `gunicorn -c gunicorn.conf.py app:app`.

The app opens no database connection while it is created, so preloading it in the master
and forking workers is safe (each worker connects on its first request).

Slow clients: the workers are gthread workers that read every request whole in their event
loop before a thread takes it (``studyk8s.gunicorn_worker``), so a client trickling its
headers or body costs a socket, not a thread, and is dropped after 20 s. No buffering proxy
is needed in front (TLS, if gunicorn does not terminate it, is a proxy's job anyway).
"""

import ctypes
import ctypes.util
import multiprocessing
import os
import signal

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2)))
worker_class = "studyk8s.gunicorn_worker.BufferedThreadWorker"
threads = int(os.environ.get("GUNICORN_THREADS", 1))  # requests arrive whole: 1 is enough
worker_connections = 1000  # open connections per worker, slow ones included
keepalive = 5
preload_app = True
timeout = 30  # a worker whose event loop stops for this long is restarted
graceful_timeout = 20
accesslog = os.environ.get("ACCESS_LOG")  # "-" for stdout
# gunicorn's control socket (gunicornc) is not used; its default path is per user, so two
# servers on one host (two ports, one database) would take it from each other.
control_socket_disable = True


def post_fork(server, worker):
    """A worker ends with its master (kill -9 of the master alone must not leave workers
    holding the port): Linux's parent-death signal."""
    libc_name = ctypes.util.find_library("c")
    if libc_name:
        pr_set_pdeathsig = 1
        ctypes.CDLL(libc_name, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
