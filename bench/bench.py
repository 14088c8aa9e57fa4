#!/usr/bin/env python3
"""Side-by-side benchmark of jstgt, Debian's tgt and Debian's istgt on loopback.

Started by `./jstgt bench` (see docs/benchmarks.md). Starts the three targets on 127.0.0.1 (each
with one 1 GiB LUN of 512-byte blocks backed by a file in /dev/shm), drives them in alternation
with the same initiators (libiscsi's iscsi-perf, qemu-img bench through libiscsi), measures the
loopback TCP ceiling with iperf3, and writes docs/benchmarks.md and docs/bench/*.png.
Every process it starts is stopped by PID on exit, Ctrl-C or failure.

Python 3 standard library only; matplotlib (Debian python3-matplotlib) for the charts.
"""

import argparse
import datetime
import glob
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOST = "127.0.0.1"
LUN_SIZE = 1 << 30
BLOCK = 512
CLK_TCK = os.sysconf("SC_CLK_TCK")

PORTS = {"jstgt": 3261, "tgt": 3262, "istgt": 3263, "istgt-control": 3264, "karaf-ssh": 18102,
         "iperf3": 5211}
TARGETS = ["jstgt", "tgt", "istgt"]
PACKAGES = {"tgt": "tgtd", "istgt": "istgt", "libiscsi-bin": "iscsi-perf", "qemu-utils": "qemu-img",
            "qemu-block-extra": None, "iperf3": "iperf3"}

KiB = 1024
MiB = 1024 * 1024

# name, tool, request size, queue depth, write, random
WORKLOADS = [
    ("4K rand read QD1", "iscsi-perf", 4 * KiB, 1, False, True),
    ("4K rand read QD32", "iscsi-perf", 4 * KiB, 32, False, True),
    ("4K rand write QD1", "qemu-img", 4 * KiB, 1, True, True),
    ("4K rand write QD32", "qemu-img", 4 * KiB, 32, True, True),
    ("128K seq read QD8", "iscsi-perf", 128 * KiB, 8, False, False),
    ("128K seq write QD8", "qemu-img", 128 * KiB, 8, True, False),
    ("1M seq read QD8", "iscsi-perf", 1 * MiB, 8, False, False),
    ("1M seq write QD8", "qemu-img", 1 * MiB, 8, True, False),
]
# qemu-img bench has no random mode; it wraps offsets modulo the image size (offset %= size), so
# a stride of an odd number of requests visits every aligned slot of a power-of-two LUN once, in
# scattered order, before repeating.
SCATTER_STRIDE_REQUESTS = 7919


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


class Interrupted(Exception):
    pass


def on_signal(signum, _frame):
    raise Interrupted("signal %d" % signum)


class Bench:
    def __init__(self, args):
        self.args = args
        self.procs = {}  # name -> Popen, everything we started
        self.tmp = tempfile.mkdtemp(prefix="jstgt-bench-")
        self.shm = tempfile.mkdtemp(prefix="jstgt-bench-", dir="/dev/shm")
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        self.raw = os.path.join(ROOT, "bench", "results", stamp)
        os.makedirs(self.raw, exist_ok=True)
        self.created_policy_rc = False
        self.urls = {}
        self.runs = []
        self.env = {}

    # --- setup ---------------------------------------------------------------------------------

    def install_packages(self):
        missing = []
        for pkg, cmd in PACKAGES.items():
            if cmd is not None:
                if shutil.which(cmd) is None:
                    missing.append(pkg)
            else:
                st = subprocess.run(["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True,
                                    text=True)
                if "install ok installed" not in st.stdout:
                    missing.append(pkg)
        if not self.args.no_charts:
            try:
                import matplotlib  # noqa: F401
            except ImportError:
                missing.append("python3-matplotlib")
        if not missing:
            return
        if os.geteuid() != 0:
            sys.exit("bench: missing %s; run as root (apt-get install)" % " ".join(missing))
        # Debian starts a package's service on install unless policy-rc.d says no (exit 101):
        # tgt's and istgt's would take port 3260 and outlive us.
        policy = "/usr/sbin/policy-rc.d"
        if not os.path.exists(policy):
            with open(policy, "w") as f:
                f.write("#!/bin/sh\n# jstgt bench: no service starts during its apt-get install\nexit 101\n")
            os.chmod(policy, 0o755)
            self.created_policy_rc = True
        log("installing " + " ".join(missing))
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq"] + missing, check=True, env=env,
                       stdout=subprocess.DEVNULL)
        if self.created_policy_rc:
            os.unlink(policy)
            self.created_policy_rc = False

    def check_ports(self):
        for name, port in PORTS.items():
            s = socket.socket()
            # SO_REUSEADDR as the servers set it: connections of an earlier run in TIME_WAIT
            # do not count, a listener does.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((HOST, port))
            except OSError:
                sys.exit("bench: port %d (%s) on %s is in use; stop what holds it" % (port, name, HOST))
            finally:
                s.close()

    def lun_file(self, name):
        # Allocated up front so that no target pays tmpfs page allocation during a timed run.
        path = os.path.join(self.shm, name + ".img")
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            os.posix_fallocate(fd, 0, LUN_SIZE)
        finally:
            os.close(fd)
        return path

    def spawn(self, name, argv, cwd=None, env=None):
        out = open(os.path.join(self.raw, name + ".log"), "w")
        # Own session: a terminal Ctrl-C reaches only us; we stop the daemons in order.
        p = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                             stderr=subprocess.STDOUT, start_new_session=True)
        out.close()
        self.procs[name] = p
        log("started %s (PID %d)" % (name, p.pid))
        return p

    def start_jstgt(self):
        tars = sorted(glob.glob(os.path.join(ROOT, "assembly", "target", "jstgt-assembly-*.tar.gz")))
        if not tars:
            sys.exit("bench: no assembly/target/jstgt-assembly-*.tar.gz; build it first")
        home = os.path.join(self.tmp, "jstgt")
        os.makedirs(home)
        subprocess.run(["tar", "-xzf", tars[-1], "-C", home, "--strip-components=1"], check=True)
        self.env["assembly"] = "%s built %s" % (os.path.basename(tars[-1]), datetime.datetime.fromtimestamp(
            os.path.getmtime(tars[-1]), datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
        etc = os.path.join(home, "etc")
        edit(os.path.join(etc, "org.apache.karaf.shell.cfg"), r"^sshPort\s*=.*$",
             "sshPort = %d" % PORTS["karaf-ssh"])
        edit(os.path.join(etc, "jstgt.portal-default.cfg"), r"^listen\s*=.*$",
             "listen = %s:%d" % (HOST, PORTS["jstgt"]))
        lun = self.lun_file("jstgt")
        path = os.path.join(etc, "jstgt.lun-disk0.cfg")
        edit(path, r"^store\.type\s*=.*$", "store.type = file")
        edit(path, r"^store\.path\s*=.*$", "store.path = " + lun)
        edit(path, r"^size\s*=.*$", "size = 1GiB")
        edit(path, r"^block\.size\s*=.*$", "block.size = %d" % BLOCK)
        iqn = read_key(os.path.join(etc, "jstgt.target-demo.cfg"), "iqn")
        lun_no = read_key(os.path.join(etc, "jstgt.target-demo.cfg"), r"lun\.(\d+)", group_key=True)
        env = dict(os.environ, KARAF_EXEC="exec")
        self.spawn("jstgt", [os.path.join(home, "bin", "karaf"), "server"], cwd=home, env=env)
        self.urls["jstgt"] = "iscsi://%s:%d/%s/%s" % (HOST, PORTS["jstgt"], iqn, lun_no)

    def start_tgt(self):
        lun = self.lun_file("tgt")
        sock = os.path.join(self.tmp, "tgtd.sock")
        self.tgt_env = dict(os.environ, TGT_IPC_SOCKET=sock)
        self.spawn("tgt", ["tgtd", "-f", "--iscsi", "portal=%s:%d" % (HOST, PORTS["tgt"])],
                   env=self.tgt_env)
        iqn = "iqn.2026-11.org.jstgt.bench:tgt"
        deadline = time.time() + 30
        while not os.path.exists(sock) and time.time() < deadline:
            time.sleep(0.2)
        adm = ["tgtadm", "--lld", "iscsi"]
        # tgtd's LUN 0 is its own controller LUN: the disk is LUN 1.
        for cmd in (["--op", "new", "--mode", "target", "--tid", "1", "-T", iqn],
                    ["--op", "new", "--mode", "logicalunit", "--tid", "1", "--lun", "1", "-b", lun,
                     "--blocksize", str(BLOCK)],
                    ["--op", "bind", "--mode", "target", "--tid", "1", "-I", HOST]):
            subprocess.run(adm + cmd, check=True, env=self.tgt_env, timeout=30)
        # The same login offer as jstgt's defaults (etc/jstgt.target-demo.cfg).
        for key, value in (("MaxRecvDataSegmentLength", 262144), ("MaxBurstLength", 1048576),
                           ("FirstBurstLength", 262144), ("InitialR2T", "No"),
                           ("ImmediateData", "Yes")):
            subprocess.run(adm + ["--op", "update", "--mode", "target", "--tid", "1", "--name", key,
                                  "--value", str(value)], check=True, env=self.tgt_env, timeout=30)
        self.urls["tgt"] = "iscsi://%s:%d/%s/1" % (HOST, PORTS["tgt"], iqn)

    def start_istgt(self):
        lun = self.lun_file("istgt")
        d = os.path.join(self.tmp, "istgt")
        os.makedirs(d)
        conf = os.path.join(d, "istgt.conf")
        open(os.path.join(d, "auth.conf"), "w").close()
        # istgt 0.4 refuses InitialR2T No; everything else matches jstgt's defaults.
        with open(conf, "w") as f:
            f.write(ISTGT_CONF.format(dir=d, port=PORTS["istgt"], control=PORTS["istgt-control"],
                                      host=HOST, lun=lun, block=BLOCK))
        self.spawn("istgt", ["istgt", "-D", "-c", conf, "-p", os.path.join(d, "istgt.pid")])
        self.urls["istgt"] = "iscsi://%s:%d/iqn.2026-11.org.jstgt.bench:istgt/0" % (HOST, PORTS["istgt"])

    def wait_ready(self, name, timeout):
        """Until iscsi-readcapacity16 reads the LUN's capacity (login, LUN mapped, size right)."""
        deadline = time.time() + timeout
        last = ""
        while time.time() < deadline:
            p = self.procs[name]
            if p.poll() is not None:
                raise RuntimeError("%s exited with %s; see %s/%s.log" % (name, p.returncode, self.raw, name))
            try:
                r = subprocess.run(["iscsi-readcapacity16", "-s", self.urls[name]], capture_output=True,
                                   text=True, timeout=15)
                last = r.stdout + r.stderr
                if r.returncode == 0 and last.split() == [str(LUN_SIZE)]:
                    return
            except subprocess.TimeoutExpired:
                last = "iscsi-readcapacity16 timed out"
            time.sleep(2)
        raise RuntimeError("%s not ready after %d s: %s" % (name, timeout, last.strip()[-300:]))

    # --- measuring -----------------------------------------------------------------------------

    def cpu_seconds(self, name):
        with open("/proc/%d/stat" % self.procs[name].pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # Fields 14 and 15 (utime, stime) of proc(5), counted after the ")" closing comm.
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def iperf(self, rep):
        self.spawn("iperf3", ["iperf3", "-s", "-B", HOST, "-p", str(PORTS["iperf3"])])
        time.sleep(1)
        secs = max(3, min(self.args.time, 8))
        r = subprocess.run(["iperf3", "-c", HOST, "-p", str(PORTS["iperf3"]), "-t", str(secs), "-l", "1M", "-J"],
                           capture_output=True, text=True, timeout=secs + 30)
        with open(os.path.join(self.raw, "iperf3-rep%d.json" % rep), "w") as f:
            f.write(r.stdout)
        self.stop("iperf3")
        if r.returncode != 0:
            log("iperf3 failed: " + r.stderr.strip())
            return None
        bps = json.loads(r.stdout)["end"]["sum_received"]["bits_per_second"]
        mbps = bps / 8 / 1e6
        log("loopback TCP ceiling (iperf3, 1 stream) rep %d: %.0f MB/s" % (rep, mbps))
        return mbps

    def run_iscsi_perf(self, url, bs, qd, rnd, secs, tag):
        argv = ["iscsi-perf", "-m", str(qd), "-b", str(bs // BLOCK), "-t", str(secs)]
        if rnd:
            argv.append("-r")
        argv.append(url)
        r = subprocess.run(argv, capture_output=True, text=True, timeout=secs + 60)
        out = r.stdout + r.stderr
        save(self.raw, tag, argv, out)
        found = re.findall(r"iops average (\d+)", out)
        if r.returncode != 0 or "finished" not in out or not found:
            raise RuntimeError("iscsi-perf failed (%s): %s" % (r.returncode, out.strip()[-300:]))
        iops = float(found[-1])
        return iops, secs, iops * secs * bs

    def qemu_bench(self, url, bs, qd, write, rnd, count, tag, limit):
        step = bs * SCATTER_STRIDE_REQUESTS if rnd else bs
        argv = ["qemu-img", "bench", "-f", "raw", "-t", "none", "-c", str(count), "-d", str(qd),
                "-s", str(bs), "-S", str(step)]
        if write:
            argv.append("-w")
        argv.append(url)
        r = subprocess.run(argv, capture_output=True, text=True, timeout=limit)
        out = r.stdout + r.stderr
        save(self.raw, tag, argv, out)
        m = re.search(r"Run completed in ([0-9.]+) seconds", out)
        if r.returncode != 0 or not m:
            raise RuntimeError("qemu-img bench failed (%s): %s" % (r.returncode, out.strip()[-300:]))
        elapsed = float(m.group(1))
        return count / elapsed, elapsed, count * bs

    def calibrate(self, target, wl):
        """A request count that takes about --time seconds on this target (qemu-img bench runs a count)."""
        name, _, bs, qd, write, rnd = wl
        count = max(qd * 4, (64 * MiB) // bs)
        while True:
            iops, elapsed, _ = self.qemu_bench(self.urls[target], bs, qd, write, rnd, count,
                                               "calibrate-%s-%s" % (target, slug(name)), 120)
            if elapsed >= 0.5 or count >= 50_000_000:
                return max(qd, int(iops * self.args.time))
            count *= 4 if elapsed < 0.15 else 2

    def measure(self, target, wl, rep, counts):
        name, tool, bs, qd, write, rnd = wl
        tag = "%s-%s-rep%d" % (target, slug(name), rep)
        cpu0 = self.cpu_seconds(target)
        lo0 = loopback_bytes()
        if tool == "iscsi-perf":
            iops, elapsed, moved = self.run_iscsi_perf(self.urls[target], bs, qd, rnd, self.args.time, tag)
        else:
            key = (target, name)
            if key not in counts:
                counts[key] = self.calibrate(target, wl)
            iops, elapsed, moved = self.qemu_bench(self.urls[target], bs, qd, write, rnd, counts[key],
                                                   tag, self.args.time * 6 + 60)
        cpu = self.cpu_seconds(target) - cpu0
        # A cross-check of the tools' counts: the loopback bytes of the run (both directions, all
        # traffic on lo, so somewhat above the payload) must not fall short of the payload.
        wire = loopback_bytes() - lo0
        run = {"target": target, "workload": name, "tool": tool, "rep": rep, "iops": iops,
               "mbps": moved / elapsed / 1e6, "lat_us": qd / iops * 1e6, "seconds": elapsed,
               "bytes": moved, "lo_bytes": wire, "cpu_s": cpu, "cpu_s_per_gib": cpu / (moved / (1 << 30))}
        self.runs.append(run)
        log("%-6s %-20s rep %d: %9.0f IOPS %8.1f MB/s %8.1f us  %.2f CPU s/GiB  lo/payload %.2f"
            % (target, name, rep, iops, run["mbps"], run["lat_us"], run["cpu_s_per_gib"], wire / moved))
        if wire < moved:
            log("WARNING: %s moved fewer bytes on loopback (%d) than the tool counted (%d)" % (target, wire, moved))

    def warm_up(self):
        """Runs every workload once on every target, unmeasured, so that no target is measured
        cold (jstgt's JIT compiles its hot paths in the first seconds under load)."""
        log("warm-up: every workload %d s per target, not measured" % self.args.warmup)
        for wl in WORKLOADS:
            name, tool, bs, qd, write, rnd = wl
            for t in TARGETS:
                tag = "warmup-%s-%s" % (t, slug(name))
                if tool == "iscsi-perf":
                    self.run_iscsi_perf(self.urls[t], bs, qd, rnd, self.args.warmup, tag)
                else:
                    count = self.calibrate(t, wl)
                    self.qemu_bench(self.urls[t], bs, qd, write, rnd,
                                    max(qd, count * self.args.warmup // self.args.time), tag,
                                    self.args.warmup * 6 + 60)

    # --- teardown ------------------------------------------------------------------------------

    def stop(self, name):
        p = self.procs.pop(name, None)
        if p is None or p.poll() is not None:
            return
        if name == "tgt":
            # tgtd ignores SIGTERM; it leaves when told by its own management socket, once it
            # serves no target.
            for cmd in (["--op", "delete", "--force", "--mode", "target", "--tid", "1"],
                        ["--op", "delete", "--mode", "system"]):
                try:
                    subprocess.run(["tgtadm", "--lld", "iscsi"] + cmd, env=self.tgt_env, timeout=10,
                                   capture_output=True)
                except (subprocess.TimeoutExpired, OSError):
                    pass
            if wait_pid(p, 10):
                return
        p.terminate()
        # jstgt: Karaf turns SIGTERM into a clean framework stop.
        if not wait_pid(p, 60 if name == "jstgt" else 15):
            log("%s (PID %d) did not stop; SIGKILL" % (name, p.pid))
            p.kill()
            p.wait()

    def cleanup(self):
        for name in list(self.procs):
            try:
                self.stop(name)
            except Exception as e:  # keep stopping the others
                log("stopping %s: %s" % (name, e))
        if self.created_policy_rc:
            os.unlink("/usr/sbin/policy-rc.d")
        shutil.rmtree(self.shm, ignore_errors=True)
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- the run -------------------------------------------------------------------------------

    def run(self):
        t0 = time.time()
        self.env = environment()
        self.env["load_before"] = os.getloadavg()
        self.start_jstgt()
        self.start_tgt()
        self.start_istgt()
        for t in TARGETS:
            self.wait_ready(t, 240 if t == "jstgt" else 60)
            log("%s ready: %s" % (t, self.urls[t]))
        counts = {}
        if self.args.warmup > 0:
            self.warm_up()
        ceilings = []
        for rep in range(1, self.args.reps + 1):
            for wl in WORKLOADS:
                if wl[0] == "1M seq read QD8":
                    # The ceiling of each repetition is measured right before the workload it is
                    # compared with, so that machine drift hits both alike; the median is reported.
                    c = self.iperf(rep)
                    if c:
                        ceilings.append(c)
                for t in TARGETS:  # A B C A B C ...
                    self.measure(t, wl, rep, counts)
        self.env["load_after"] = os.getloadavg()
        self.env["wall_seconds"] = time.time() - t0
        self.env["iperf3_mbps"] = statistics.median(ceilings) if ceilings else None
        self.env["iperf3_runs"] = ceilings
        self.env["seconds_per_run"] = self.args.time
        self.env["warmup_seconds"] = self.args.warmup
        self.env["reps"] = self.args.reps
        self.env["urls"] = self.urls
        return report(self.runs, self.env, self.raw, self.args)


def loopback_bytes():
    """Bytes received on lo so far (/proc/net/dev); on lo every byte sent is also received."""
    with open("/proc/net/dev") as f:
        for line in f:
            name, _, rest = line.partition(":")
            if name.strip() == "lo":
                return int(rest.split()[0])
    return 0


def edit(path, pattern, line):
    with open(path) as f:
        text = f.read()
    new, n = re.subn(pattern, line, text, count=1, flags=re.M)
    if n != 1:
        raise RuntimeError("%s: no line matching %s" % (path, pattern))
    with open(path, "w") as f:
        f.write(new)


def read_key(path, key, group_key=False):
    with open(path) as f:
        for line in f:
            m = re.match(r"^\s*(%s)\s*=\s*(\S+)" % key, line)
            if m:
                return m.group(2) if group_key else m.group(len(m.groups()))
    raise RuntimeError("%s: no %s" % (path, key))


def wait_pid(p, secs):
    try:
        p.wait(timeout=secs)
        return True
    except subprocess.TimeoutExpired:
        return False


def slug(s):
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


def save(raw, tag, argv, out):
    with open(os.path.join(raw, tag + ".txt"), "w") as f:
        f.write("$ " + " ".join(argv) + "\n" + out)


def version(pkg):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True)
    return r.stdout.strip() or "?"


def environment():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    return {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(),
            "java": java[0] if java else "?", "commit": commit or "?",
            "versions": {p: version(p) for p in ("tgt", "istgt", "libiscsi-bin", "qemu-utils", "iperf3")}}


ISTGT_CONF = """[Global]
  NodeBase "iqn.2026-11.org.jstgt.bench"
  PidFile {dir}/istgt.pid
  AuthFile {dir}/auth.conf
  MediaDirectory {dir}
  LogFacility "local7"
  Timeout 30
  NopInInterval 20
  DiscoveryAuthMethod None
  MaxSessions 16
  MaxConnections 1
  MaxR2T 32
  MaxOutstandingR2T 16
  DefaultTime2Wait 2
  DefaultTime2Retain 20
  FirstBurstLength 262144
  MaxBurstLength 1048576
  MaxRecvDataSegmentLength 262144
  InitialR2T Yes
  ImmediateData Yes
  DataPDUInOrder Yes
  DataSequenceInOrder Yes
  ErrorRecoveryLevel 0
[UnitControl]
  AuthMethod None
  Portal UC1 {host}:{control}
  Netmask {host}
[PortalGroup1]
  Portal DA1 {host}:{port}
[InitiatorGroup1]
  InitiatorName "ALL"
  Netmask {host}
[LogicalUnit1]
  TargetName istgt
  Mapping PortalGroup1 InitiatorGroup1
  AuthMethod None
  UseDigest Auto
  UnitType Disk
  QueueDepth 64
  BlockLength {block}
  LUN0 Storage {lun} 1GB
"""


# --- report ------------------------------------------------------------------------------------

def medians(runs):
    out = {}
    for wl in WORKLOADS:
        for t in TARGETS:
            rs = [r for r in runs if r["workload"] == wl[0] and r["target"] == t]
            if rs:
                out[(wl[0], t)] = {k: statistics.median(r[k] for r in rs)
                                   for k in ("iops", "mbps", "lat_us", "cpu_s_per_gib")}
    return out


def ratio(a, b):
    return "%.2f" % (a / b) if b else "-"


def tables(runs, env):
    med = medians(runs)
    lines = ["| Workload | Tool | jstgt IOPS | tgt IOPS | istgt IOPS | jstgt MB/s | tgt MB/s | istgt MB/s "
             "| jstgt/tgt | jstgt/istgt |",
             "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for name, tool, *_ in WORKLOADS:
        if (name, "jstgt") not in med:
            continue
        m = {t: med[(name, t)] for t in TARGETS}
        lines.append("| %s | %s | %s | %s | %s | %.1f | %.1f | %.1f | %s | %s |" % (
            name, tool, *("%.0f" % m[t]["iops"] for t in TARGETS), *(m[t]["mbps"] for t in TARGETS),
            ratio(m["jstgt"]["iops"], m["tgt"]["iops"]), ratio(m["jstgt"]["iops"], m["istgt"]["iops"])))
    perf = "\n".join(lines)
    lines = ["| Workload | jstgt µs | tgt µs | istgt µs | jstgt CPU s/GiB | tgt CPU s/GiB | istgt CPU s/GiB "
             "| CPU jstgt/tgt | CPU jstgt/istgt |",
             "|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for name, *_ in WORKLOADS:
        if (name, "jstgt") not in med:
            continue
        m = {t: med[(name, t)] for t in TARGETS}
        lines.append("| %s | %.0f | %.0f | %.0f | %.2f | %.2f | %.2f | %s | %s |" % (
            name, *(m[t]["lat_us"] for t in TARGETS), *(m[t]["cpu_s_per_gib"] for t in TARGETS),
            ratio(m["jstgt"]["cpu_s_per_gib"], m["tgt"]["cpu_s_per_gib"]),
            ratio(m["jstgt"]["cpu_s_per_gib"], m["istgt"]["cpu_s_per_gib"])))
    cpu = "\n".join(lines)
    ceiling = ""
    if env.get("iperf3_mbps") and ("1M seq read QD8", "jstgt") in med:
        j = med[("1M seq read QD8", "jstgt")]["mbps"]
        runs_text = ", ".join("%.0f" % c for c in env.get("iperf3_runs", []))
        ceiling = ("Loopback TCP ceiling (iperf3, one stream, 1 MiB writes, %d s, once per repetition right before "
                   "its 1M sequential reads; median of %s MB/s): **%.0f MB/s**. jstgt's 1M sequential "
                   "read QD8 (%.0f MB/s) is **%.0f%%** of it (tgt %.0f%%, istgt %.0f%%)." % (
                       max(3, min(env["seconds_per_run"], 8)), runs_text, env["iperf3_mbps"], j,
                       100 * j / env["iperf3_mbps"],
                       100 * med[("1M seq read QD8", "tgt")]["mbps"] / env["iperf3_mbps"],
                       100 * med[("1M seq read QD8", "istgt")]["mbps"] / env["iperf3_mbps"]))
    return perf, cpu, ceiling, med


def charts(med, outdir):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("matplotlib missing: no charts (apt-get install python3-matplotlib)")
        return []
    colors = {"jstgt": "#1f77b4", "tgt": "#ff7f0e", "istgt": "#2ca02c"}
    made = []
    for fname, key, label in (("throughput.png", "mbps", "MB/s (median)"),
                              ("iops.png", "iops", "IOPS (median)"),
                              ("cpu.png", "cpu_s_per_gib", "target CPU s per GiB (median, lower is better)")):
        names = [w[0] for w in WORKLOADS if (w[0], "jstgt") in med]
        fig, axes = plt.subplots(2, (len(names) + 1) // 2, figsize=(12, 5.5))
        for ax, name in zip(axes.flat, names):
            vals = [med[(name, t)][key] for t in TARGETS]
            bars = ax.bar(TARGETS, vals, color=[colors[t] for t in TARGETS])
            ax.set_title(name, fontsize=9)
            ax.tick_params(labelsize=8)
            for b, v in zip(bars, vals):
                ax.annotate(("%.0f" if v >= 10 else "%.2f") % v, (b.get_x() + b.get_width() / 2, v),
                            ha="center", va="bottom", fontsize=7)
            ax.margins(y=0.15)
        for ax in list(axes.flat)[len(names):]:
            ax.axis("off")
        fig.suptitle(label, fontsize=10)
        fig.tight_layout()
        path = os.path.join(outdir, fname)
        fig.savefig(path, dpi=72)
        plt.close(fig)
        made.append(fname)
    return made


def report(runs, env, raw, args):
    perf, cpu, ceiling, med = tables(runs, env)
    with open(os.path.join(raw, "runs.json"), "w") as f:
        json.dump({"env": env, "runs": runs}, f, indent=1)
    print("\n" + perf + "\n\n" + cpu + "\n\n" + ceiling + "\n")
    print("wall time: %.0f s; raw output: %s" % (env["wall_seconds"], raw))
    if args.no_docs:
        return 0
    docs = os.path.join(ROOT, "docs")
    pngdir = os.path.join(docs, "bench")
    os.makedirs(pngdir, exist_ok=True)
    made = [] if args.no_charts else charts(med, pngdir)
    with open(os.path.join(pngdir, "runs.json"), "w") as f:
        json.dump({"env": env, "runs": [{k: (round(v, 4) if isinstance(v, float) else v)
                                         for k, v in r.items()} for r in runs]}, f, indent=0)
    head_path = os.path.join(ROOT, "bench", "benchmarks-head.md")
    with open(head_path) as f:
        head = f.read()
    v = env["versions"]
    results = [
        "## Results (%s, %s)" % (env["date"], "quick: 1 repetition" if args.reps == 1 else
                                  "medians of %d repetitions" % args.reps),
        "",
        "Machine: %s, %d cores, Linux %s; load average %.1f before, %.1f after. %s. jstgt: %s "
        "(repository at %s); tgt %s, istgt %s, libiscsi-bin %s, qemu-utils %s. %d s per run after a "
        "%d s warm-up per workload and target; whole run %.0f s." % (
            env["cpu"], env["cores"], env["kernel"], env["load_before"][0], env["load_after"][0], env["java"],
            env.get("assembly", "?"), env["commit"], v["tgt"], v["istgt"], v["libiscsi-bin"], v["qemu-utils"],
            env["seconds_per_run"], env.get("warmup_seconds", 0), env["wall_seconds"]),
        "",
        "### Throughput (higher is better; ratios are of IOPS, the same as of MB/s)",
        "",
        perf,
        "",
        "### Latency and target CPU",
        "",
        "Latency is derived as queue depth / IOPS (Little's law): neither tool reports it. "
        "CPU is the target process's utime + stime (/proc/<pid>/stat) over the run, per GiB moved "
        "(lower is better).",
        "",
        cpu,
        "",
        "### Ceiling",
        "",
        ceiling or "iperf3 did not run.",
        "",
    ]
    for png in made:
        results += ["![%s](bench/%s)" % (png[:-4], png), ""]
    results += ["Per-run numbers: [bench/runs.json](bench/runs.json). Tool output of each run stays in "
                "`bench/results/<timestamp>/` (not committed).", ""]
    with open(os.path.join(docs, "benchmarks.md"), "w") as f:
        f.write(head.rstrip("\n") + "\n\n" + "\n".join(results))
    log("wrote docs/benchmarks.md and docs/bench/")
    return 0


def main():
    ap = argparse.ArgumentParser(
        prog="./jstgt bench", description=__doc__.split("\n\n")[0],
        epilog="./jstgt bench also takes --no-build (benchmark the assembly as built, even when sources "
               "are newer) and --micro [JMH args] (the JMH micro-benchmarks instead).")
    ap.add_argument("--quick", action="store_true", help="one repetition of 4 s per run (smoke run)")
    ap.add_argument("--time", type=int, default=8, help="seconds per run (default 8)")
    ap.add_argument("--reps", type=int, default=3, help="repetitions; medians are reported (default 3)")
    ap.add_argument("--warmup", type=int, default=2,
                    help="unmeasured seconds of every workload on every target first (default 2; 0: none)")
    ap.add_argument("--no-docs", action="store_true", help="print only; leave docs/ as it is")
    ap.add_argument("--no-charts", action="store_true", help="no PNG charts (no matplotlib needed)")
    args = ap.parse_args()
    if args.quick:
        args.time, args.reps, args.warmup = 4, 1, 0
    if args.time < 1 or args.reps < 1 or args.warmup < 0:
        ap.error("--time and --reps must be at least 1, --warmup at least 0")
    if not os.path.isdir("/dev/shm"):
        sys.exit("bench: needs /dev/shm (tmpfs) for the LUN files")
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    b = Bench(args)
    try:
        b.install_packages()
        b.check_ports()
        return b.run()
    except Interrupted as e:
        log("interrupted (%s); stopping what was started" % e)
        return 130
    except Exception as e:
        log("failed: %s; see %s" % (e, b.raw))
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        b.cleanup()


if __name__ == "__main__":
    sys.exit(main())
