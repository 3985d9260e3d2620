# SPDX-License-Identifier: GPL-2.0-only
"""The real programs of the `real` suite: how to run each, what "works" means
for it, and how to put its state back before the next run."""
import http.client
import os
import shutil
import socket
import struct
import subprocess
import threading
import time

from real_common import CaseFailure


class Case:
    """One program. argv(wd) is the command; server(wd, popen) probes a
    server and returns (works, detail) while it runs, else verify(wd,
    completed) judges a command that exits."""
    timeout = 30
    server = None
    programs = []
    refuses_nonroot = False   # the program itself refuses to run without uid 0
    prove = False             # also `caprec prove --minimize` it
    prove_argv = None         # a stateless variant for prove (default: argv)
    warnings = {}             # form: regexes the policy's warnings for that form must match

    def setup(self, wd):
        pass

    def reset(self, wd):
        pass

    def cleanup(self, wd):
        pass

    def verify(self, wd, completed):
        return completed.returncode == 0, ""


# --- servers ------------------------------------------------------------------

INDEX = b"caprec real-program test page\n"


def make_www(wd):
    os.makedirs(os.path.join(wd, "www"), exist_ok=True)
    with open(os.path.join(wd, "www", "index.html"), "wb") as f:
        f.write(INDEX)
    os.chmod(os.path.join(wd, "www"), 0o755)
    os.chmod(os.path.join(wd, "www", "index.html"), 0o644)


def fresh_dir(path, mode):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    os.chmod(path, mode)


def http_probe(wd, popen, seconds=5):
    """GET / on 127.0.0.1:80 (this test's own network namespace)."""
    deadline = time.time() + seconds
    last = "no answer"
    while time.time() < deadline and popen.poll() is None:
        try:
            c = http.client.HTTPConnection("127.0.0.1", 80, timeout=2)
            c.request("GET", "/index.html")
            body = c.getresponse().read()
            c.close()
            if body == INDEX:
                return True, ""
            last = "wrong body %r" % body[:60]
        except OSError as e:
            last = str(e)
        time.sleep(0.1)
    return False, "no page served (%s)" % (last if popen.poll() is None else
                                          "exited %s" % popen.returncode)


class Nginx(Case):
    programs = ["/usr/sbin/nginx"]

    def setup(self, wd):
        make_www(wd)
        temp = "".join("  %s_temp_path %s/run/%s;\n" % (t, wd, t)
                       for t in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        with open(os.path.join(wd, "nginx.conf"), "w") as f:
            f.write("daemon off;\nmaster_process on;\nworker_processes 1;\nuser www-data;\n"
                    "pid %s/run/nginx.pid;\nerror_log stderr;\n"
                    "events { worker_connections 16; }\n"
                    "http {\n  access_log off;\n%s"
                    "  server { listen 127.0.0.1:80; root %s/www; }\n}\n" % (wd, temp, wd))

    def reset(self, wd):
        fresh_dir(os.path.join(wd, "run"), 0o777)

    def argv(self, wd):
        return ["/usr/sbin/nginx", "-c", wd + "/nginx.conf", "-p", wd, "-e", "stderr"]

    server = staticmethod(http_probe)


class PythonHttp(Case):
    programs = ["/usr/bin/python3"]

    def setup(self, wd):
        make_www(wd)

    def argv(self, wd):
        return ["/usr/bin/python3", "-m", "http.server", "80", "--bind", "127.0.0.1",
                "--directory", wd + "/www"]

    server = staticmethod(http_probe)


class BusyboxHttpd(Case):
    programs = ["/usr/bin/busybox"]
    # busybox switches user whatever its uid, so the non-root set keeps CAP_SETUID: the
    # advice must still warn that file capabilities reach every applet.
    warnings = {"nonroot": [r"warning \(nonroot\):.*multi-call",
                            r"warning \(nonroot\): CAP_SETUID"]}

    def setup(self, wd):
        make_www(wd)

    def argv(self, wd):
        return ["/usr/bin/busybox", "httpd", "-f", "-p", "127.0.0.1:80", "-h", wd + "/www",
                "-u", "www-data"]

    server = staticmethod(http_probe)


def dns_query(name):
    header = struct.pack(">HHHHHH", 0x4242, 0x0100, 1, 0, 0, 0)
    qname = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return header + qname + struct.pack(">HH", 1, 1)


def dns_probe(wd, popen, seconds=5):
    deadline = time.time() + seconds
    last = "no answer"
    while time.time() < deadline and popen.poll() is None:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(0.5)
        try:
            s.sendto(dns_query("caprec.test"), ("127.0.0.1", 53))
            answer = s.recv(512)
            if bytes([10, 1, 2, 3]) in answer[12:]:
                return True, ""
            last = "answer without 10.1.2.3"
        except OSError as e:
            last = str(e)
        finally:
            s.close()
        time.sleep(0.1)
    return False, "no DNS answer (%s)" % (last if popen.poll() is None else
                                         "exited %s" % popen.returncode)


class Dnsmasq(Case):
    programs = ["/usr/sbin/dnsmasq"]

    def argv(self, wd):
        return ["/usr/sbin/dnsmasq", "-k", "-C", "/dev/null", "--no-resolv", "--no-hosts",
                "--bind-interfaces", "--listen-address=127.0.0.1", "--pid-file=",
                "--address=/caprec.test/10.1.2.3"]

    server = staticmethod(dns_probe)


# --- commands that exit ----------------------------------------------------------

class LoopbackTraffic:
    """UDP packets to 127.0.0.1:9 every 50 ms, for tcpdump -c1 to catch."""

    def __init__(self):
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._send, daemon=True)

    def _send(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        while not self.stop.wait(0.05):
            try:
                s.sendto(b"caprec", ("127.0.0.1", 9))
            except OSError:
                pass


class Tcpdump(Case):
    programs = ["/usr/bin/tcpdump"]
    prove = True
    timeout = 20

    def setup(self, wd):
        self.traffic = LoopbackTraffic()
        self.traffic.thread.start()

    def cleanup(self, wd):
        self.traffic.stop.set()

    def argv(self, wd):
        return ["/usr/bin/tcpdump", "-i", "lo", "-c1", "-n", "-q"]


class Ping(Case):
    programs = ["/usr/bin/ping", "/usr/sbin/getcap"]
    prove = True

    def setup(self, wd):
        # A copy carries no file capabilities: the set given is all it has.
        shutil.copy(self.programs[0], wd + "/ping")
        os.chmod(wd + "/ping", 0o755)
        caps = subprocess.run(["getcap", wd + "/ping"], capture_output=True, text=True).stdout
        if caps.strip():
            raise CaseFailure("the copy of ping kept file capabilities: " + caps.strip())

    def argv(self, wd):
        return [wd + "/ping", "-c1", "-W2", "127.0.0.1"]


class IpLinkBridge(Case):
    programs = ["/usr/bin/ip"]
    prove = True

    def setup(self, wd):
        with open(wd + "/ip.batch", "w") as f:
            f.write("link add capreal0 type bridge\nlink del capreal0\n")

    def reset(self, wd):
        subprocess.run(["ip", "link", "del", "capreal0"], capture_output=True)

    cleanup = reset

    def argv(self, wd):
        return ["/usr/sbin/ip", "link", "add", "capreal0", "type", "bridge"]

    def prove_argv(self, wd):
        # prove runs it many times: add and delete in one command.
        return ["/usr/sbin/ip", "-batch", wd + "/ip.batch"]

    def verify(self, wd, completed):
        shown = subprocess.run(["ip", "link", "show", "capreal0"], capture_output=True)
        return completed.returncode == 0 and shown.returncode == 0, ""


class IpNetns(Case):
    programs = ["/usr/bin/ip"]
    prove = True

    def __init__(self):
        self.name = "caprec-real-%d" % os.getpid()

    def setup(self, wd):
        with open(wd + "/ip.batch", "w") as f:
            f.write("netns add %s\nnetns del %s\n" % (self.name, self.name))

    def prove_argv(self, wd):
        # prove runs it many times: add and delete in one command.
        return ["/usr/sbin/ip", "-batch", wd + "/ip.batch"]

    def reset(self, wd):
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)

    cleanup = reset

    def argv(self, wd):
        return ["/usr/sbin/ip", "netns", "add", self.name]

    def verify(self, wd, completed):
        return completed.returncode == 0 and os.path.exists("/run/netns/" + self.name), ""


OTHER_UID = 4242   # the files' owner: not root, not the non-root form's user
NEW_UID = 4243


def other_users_file(wd, name):
    os.makedirs(wd + "/files", exist_ok=True)
    os.chmod(wd + "/files", 0o755)
    path = "%s/files/%s" % (wd, name)
    if os.path.exists(path):
        os.unlink(path)
    with open(path, "w") as f:
        f.write("owned by another user\n")
    os.chown(path, OTHER_UID, OTHER_UID)
    os.chmod(path, 0o644)
    return path


class Chown(Case):
    programs = ["/usr/bin/chown"]
    prove = True

    def reset(self, wd):
        other_users_file(wd, "chown-me")

    def argv(self, wd):
        return ["/usr/bin/chown", "%d:%d" % (NEW_UID, NEW_UID), wd + "/files/chown-me"]

    def verify(self, wd, completed):
        st = os.stat(wd + "/files/chown-me")
        return completed.returncode == 0 and (st.st_uid, st.st_gid) == (NEW_UID, NEW_UID), ""


class Chmod(Case):
    programs = ["/usr/bin/chmod"]

    def reset(self, wd):
        other_users_file(wd, "chmod-me")

    def argv(self, wd):
        return ["/usr/bin/chmod", "0600", wd + "/files/chmod-me"]

    def verify(self, wd, completed):
        mode = os.stat(wd + "/files/chmod-me").st_mode & 0o7777
        return completed.returncode == 0 and mode == 0o600, "mode %o" % mode


class SshdTest(Case):
    programs = ["/usr/sbin/sshd"]
    prove = True

    def setup(self, wd):
        # sshd -t wants its privilege separation directory, as the service makes it.
        self.made_run_sshd = not os.path.isdir("/run/sshd")
        if self.made_run_sshd:
            os.makedirs("/run/sshd", 0o755)

    def cleanup(self, wd):
        if getattr(self, "made_run_sshd", False):
            shutil.rmtree("/run/sshd", ignore_errors=True)

    def argv(self, wd):
        return ["/usr/sbin/sshd", "-t"]


class UnshareHostname(Case):
    programs = ["/usr/bin/unshare", "/usr/bin/hostname"]
    prove = True

    def argv(self, wd):
        return ["/usr/bin/unshare", "-u", "/usr/bin/hostname", "caprec-real"]

    def verify(self, wd, completed):
        return completed.returncode == 0 and socket.gethostname() != "caprec-real", ""


class MountTmpfs(Case):
    programs = ["/usr/bin/unshare", "/usr/bin/mount"]
    refuses_nonroot = True   # libmount: "only root can use --types"

    def setup(self, wd):
        os.makedirs(wd + "/mnt", exist_ok=True)
        os.chmod(wd + "/mnt", 0o755)

    def argv(self, wd):
        return ["/usr/bin/unshare", "-m", "--propagation", "private", "/usr/bin/mount", "-t",
                "tmpfs", "caprec-real", wd + "/mnt"]


class Runuser(Case):
    programs = ["/usr/sbin/runuser"]
    refuses_nonroot = True   # "runuser: may not be used by non-root users"

    def argv(self, wd):
        return ["/usr/sbin/runuser", "-u", "nobody", "--", "/usr/bin/true"]


CASES = {
    "ping": Ping,
    "nginx": Nginx,
    "python-http": PythonHttp,
    "busybox-httpd": BusyboxHttpd,
    "ip-link-bridge": IpLinkBridge,
    "ip-netns": IpNetns,
    "tcpdump": Tcpdump,
    "dnsmasq": Dnsmasq,
    "chown": Chown,
    "chmod": Chmod,
    "sshd-t": SshdTest,
    "unshare-hostname": UnshareHostname,
    "mount-tmpfs": MountTmpfs,
    "runuser": Runuser,
}
