#!/usr/bin/env python3
"""Side-by-side benchmark of jstgt, Debian's tgt and Debian's istgt on loopback.

Started by `./jstgt bench` (see docs/benchmarks.md). Starts the three targets on 127.0.0.1 (each
with a 1 GiB LUN of 512-byte blocks, four 256 MiB LUNs, a second 1 GiB LUN to copy to and a thin
256 MiB LUN to deallocate, and a second target requiring HeaderDigest=CRC32C with one 256 MiB LUN,
all backed by files in /dev/shm or in the directory --lun-dir names), drives them in alternation
with the same initiators (libiscsi's iscsi-perf, qemu-img bench through libiscsi; one session, or
four at once on the four small LUNs; and our own Java client McsLoad from the benchmarks/ module for
one session of one or two connections, MC/S, which libiscsi cannot open, and for COMPARE AND WRITE,
UNMAP, WRITE SAME and EXTENDED COPY, which neither tool sends), measures the loopback TCP ceiling
with iperf3, and writes docs/benchmarks.md and docs/bench/*.png. Every process it starts is stopped
by PID on exit, Ctrl-C or failure.

Python 3 standard library only; matplotlib (Debian python3-matplotlib) for the charts.
"""

import argparse
import collections
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

# Besides the 1 GiB LUN every target has SESSION_LUNS LUNs of SMALL_LUN_SIZE for the workloads of
# several sessions (one LUN each) and, on a second target that offers HeaderDigest=CRC32C only,
# one for the digest workloads.
SMALL_LUN_SIZE = 256 * MiB
SESSION_LUNS = 4
INITIATOR = "iqn.2026-11.org.jstgt.bench"

# sessions: that many tool processes at once, each its own session (initiator name) on its own LUN;
# digest: on the target that offers HeaderDigest=CRC32C only (iscsi-perf offers None,CRC32C
# whatever its URL says, so the target's choice decides; qemu-img is told to offer CRC32C only).
# connections: for McsLoad, the connections its one session asks for (MaxConnections offer).
# command: McsLoad's --command (None: read or write as `write` says); lun: "main" (the 1 GiB LUN),
# "thin" (the LUN the deallocations run on); copies go from the 1 GiB LUN to the copy LUN.
# quick: also run by --quick.
Workload = collections.namedtuple("Workload", "name tool bs qd write rnd sessions digest connections command lun "
                                              "quick")


def workload(name, tool, bs, qd, write, rnd, sessions=1, digest=False, connections=1, command=None, lun="main",
             quick=True):
    return Workload(name, tool, bs, qd, write, rnd, sessions, digest, connections, command, lun, quick)


# McsLoad's commands beyond READ(10)/WRITE(10) (workload.command) may be missing from a target: it
# answers the first one with ILLEGAL REQUEST (INVALID COMMAND OPERATION CODE) and the workload is
# n/a on it. McsLoad commands that copy COPY_BYTES from the 1 GiB LUN to the copy LUN and report their time.
COPY_COMMANDS = ("host-copy", "xcopy")
# Commands whose bytes are not carried over the wire (ranges deallocated or zeroed by the target).
IN_PLACE_COMMANDS = ("unmap", "write-same-unmap", "write-same")
COPY_BYTES = LUN_SIZE


WORKLOADS = [
    workload("4K rand read QD1", "iscsi-perf", 4 * KiB, 1, False, True),
    workload("4K rand read QD32", "iscsi-perf", 4 * KiB, 32, False, True),
    workload("4K rand write QD1", "qemu-img", 4 * KiB, 1, True, True),
    workload("4K rand write QD32", "qemu-img", 4 * KiB, 32, True, True),
    workload("128K seq read QD8", "iscsi-perf", 128 * KiB, 8, False, False),
    workload("128K seq write QD8", "qemu-img", 128 * KiB, 8, True, False),
    workload("1M seq read QD8", "iscsi-perf", 1 * MiB, 8, False, False),
    workload("1M seq write QD8", "qemu-img", 1 * MiB, 8, True, False),
    # libiscsi (iscsi-perf and QEMU's driver alike) always offers DataDigest=None: header digest only.
    workload("4K rand read QD32 HeaderDigest", "iscsi-perf", 4 * KiB, 32, False, True, digest=True),
    workload("4K rand write QD32 HeaderDigest", "qemu-img", 4 * KiB, 32, True, True, digest=True),
    workload("4K rand read 4 sessions x QD32", "iscsi-perf", 4 * KiB, 32, False, True, sessions=SESSION_LUNS),
    workload("4K rand write 4 sessions x QD32", "qemu-img", 4 * KiB, 32, True, True, sessions=SESSION_LUNS),
    # MC/S: one session, QD32 spread over its connections; libiscsi and QEMU do not do MC/S, so our
    # own client (benchmarks/ module) drives these, the 1-connection rows being its baseline.
    workload("4K rand read QD32 MC/S 1 connection", "McsLoad", 4 * KiB, 32, False, True),
    workload("4K rand read QD32 MC/S 2 connections", "McsLoad", 4 * KiB, 32, False, True, connections=2),
    workload("4K rand write QD32 MC/S 1 connection", "McsLoad", 4 * KiB, 32, True, True),
    workload("4K rand write QD32 MC/S 2 connections", "McsLoad", 4 * KiB, 32, True, True, connections=2),
    # SBC-4 commands, McsLoad on one connection: COMPARE AND WRITE of one block that always compares
    # equal (QD1: ESXi's ATS heartbeat; QD32: lock traffic on 32 blocks), and 1 MiB deallocations on
    # the thin LUN.
    workload("COMPARE AND WRITE QD1", "McsLoad", BLOCK, 1, True, False, command="caw", quick=False),
    workload("COMPARE AND WRITE QD32", "McsLoad", BLOCK, 32, True, False, command="caw"),
    workload("UNMAP 1M QD8", "McsLoad", 1 * MiB, 8, True, False, command="unmap", lun="thin"),
    workload("WRITE SAME(16) UNMAP 1M QD8", "McsLoad", 1 * MiB, 8, True, False, command="write-same-unmap",
             lun="thin", quick=False),
    workload("WRITE SAME(16) zeros 1M QD8", "McsLoad", 1 * MiB, 8, True, False, command="write-same", lun="thin",
             quick=False),
    # 1 GiB from the 1 GiB LUN to the copy LUN: through the initiator, and within the target.
    workload("1 GiB copy READ(16)+WRITE(16) 1M QD8", "McsLoad", 1 * MiB, 8, True, False, command="host-copy"),
    workload("1 GiB copy EXTENDED COPY 4M QD8", "McsLoad", 4 * MiB, 8, True, False, command="xcopy"),
]
MCS_JAR = os.path.join(ROOT, "benchmarks", "target", "benchmarks.jar")
MCS_CLASS = "org.jstgt.benchmarks.mcs.McsLoad"
# Seconds of load the client runs in its own JVM before it starts counting (its JIT warm-up).
MCS_WARMUP = 1
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
        self.shm = tempfile.mkdtemp(prefix="jstgt-bench-", dir=args.lun_dir)
        self.memory_fs = args.lun_fs in MEMORY_FS
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        self.raw = os.path.join(ROOT, "bench", "results", stamp)
        os.makedirs(self.raw, exist_ok=True)
        self.created_policy_rc = False
        self.urls = {}  # target -> URL of its 1 GiB LUN
        self.digest_urls = {}  # target -> URL of the LUN on its HeaderDigest=CRC32C target
        self.session_urls = {}  # target -> URLs of its SESSION_LUNS small LUNs
        self.copy_urls = {}  # target -> URL of its second 1 GiB LUN, which copies write
        self.thin_urls = {}  # target -> URL of its thin small LUN, which deallocations run on
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

    def build_mcs_jar(self):
        """The MC/S client lives in benchmarks/target/benchmarks.jar: built (Maven, no install)
        when missing, without McsLoad, or older than the client's or the testkit's sources."""
        sources = glob.glob(os.path.join(ROOT, "benchmarks", "src", "main", "**", "*.java"), recursive=True)
        sources += glob.glob(os.path.join(ROOT, "bundles", "testkit", "src", "main", "**", "*.java"), recursive=True)
        if os.path.exists(MCS_JAR) and jar_has(MCS_JAR, MCS_CLASS) \
                and all(os.path.getmtime(f) <= os.path.getmtime(MCS_JAR) for f in sources):
            return
        if shutil.which("mvn") is None:
            sys.exit("bench: %s is missing or stale and Maven (mvn) is not installed to build it" % MCS_JAR)
        argv = ["mvn", "-B", "-q", "package", "-DskipTests", "-pl", "benchmarks", "-am"]
        log("building the MC/S client: " + " ".join(argv))
        # Offline first: building the assembly already fetched every dependency.
        if subprocess.run(argv[:2] + ["-o"] + argv[2:], cwd=ROOT).returncode != 0:
            subprocess.run(argv, cwd=ROOT, check=True)
        if not jar_has(MCS_JAR, MCS_CLASS):
            sys.exit("bench: the build left no %s in %s" % (MCS_CLASS, MCS_JAR))

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

    def lun_file(self, name, size=LUN_SIZE):
        # Allocated up front so that no target pays tmpfs page allocation during a timed run, and
        # every block written (zeros), as on a disk in use (a drive is preconditioned before it is
        # measured): each target then reads written data whatever ran before. A tmpfs page that
        # was fallocated but never written reads as zeros, and neither mincore(2) nor SEEK_DATA
        # tells it from a hole, so jstgt would copy it rather than send it from a mapping. On a
        # disk file system fallocate leaves unwritten extents, whose first write converts them;
        # there the zeros are also synced, so that each target finds its files written, in the
        # page cache and with no dirty data of the setup left to write back.
        path = os.path.join(self.shm, name + ".img")
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            os.posix_fallocate(fd, 0, size)
            zeros = bytes(MiB)
            for off in range(0, size, MiB):
                os.pwrite(fd, zeros[:min(MiB, size - off)], off)
            if not self.memory_fs:
                os.fdatasync(fd)
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
        demo = os.path.join(etc, "jstgt.target-demo.cfg")
        iqn = read_key(demo, "iqn")
        lun_no = read_key(demo, r"lun\.(\d+)", group_key=True)
        # Copies of the LUN file above for the other LUNs: the session LUNs, then the copy and the
        # thin LUN join the demo target after its own LUN, the digest LUN is the only one of a
        # target that accepts CRC32C only. The file store is thin on tmpfs (store.preallocate false).
        extra = [("s%d" % i, SMALL_LUN_SIZE) for i in range(1, SESSION_LUNS + 1)]
        extra += [("copy", LUN_SIZE), ("thin", SMALL_LUN_SIZE)]
        for name, size in extra + [("digest", SMALL_LUN_SIZE)]:
            copy = os.path.join(etc, "jstgt.lun-%s.cfg" % name)
            shutil.copyfile(path, copy)
            edit(copy, r"^store\.path\s*=.*$", "store.path = " + self.lun_file("jstgt-" + name, size))
            edit(copy, r"^size\s*=.*$", "size = %dMiB" % (size // MiB))
            edit(copy, r"^serial\s*=.*$", "serial = " + name)
        with open(demo, "a") as f:
            f.write("".join("lun.%d = %s\n" % (int(lun_no) + i, name) for i, (name, _) in enumerate(extra, 1)))
        with open(os.path.join(etc, "jstgt.target-digest.cfg"), "w") as f:
            f.write("iqn = %s-digest\nportals = default\nlun.0 = digest\nheader.digest = CRC32C\n" % iqn)
        env = dict(os.environ, KARAF_EXEC="exec")
        self.spawn("jstgt", [os.path.join(home, "bin", "karaf"), "server"], cwd=home, env=env)
        base = "iscsi://%s:%d/" % (HOST, PORTS["jstgt"])
        self.urls["jstgt"] = "%s%s/%s" % (base, iqn, lun_no)
        self.session_urls["jstgt"] = ["%s%s/%d" % (base, iqn, int(lun_no) + i) for i in range(1, SESSION_LUNS + 1)]
        self.digest_urls["jstgt"] = "%s%s-digest/0" % (base, iqn)
        self.copy_urls["jstgt"] = "%s%s/%d" % (base, iqn, int(lun_no) + SESSION_LUNS + 1)
        self.thin_urls["jstgt"] = "%s%s/%d" % (base, iqn, int(lun_no) + SESSION_LUNS + 2)

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
        # tgtd's LUN 0 is its own controller LUN: the disk is LUN 1, the session LUNs 2 and up,
        # then the copy LUN and the thin LUN (thin_provisioning=1: tgtd takes UNMAP and WRITE SAME
        # with UNMAP only on a thin LUN, and punches holes for them).
        # Target 2 has HeaderDigest=CRC32C: tgtd answers CRC32C whenever its HeaderDigest
        # list holds it, even to an initiator that offered None first, so target 1 keeps None.
        luns = {1: [lun] + [self.lun_file("tgt-s%d" % i, SMALL_LUN_SIZE) for i in range(1, SESSION_LUNS + 1)]
                + [self.lun_file("tgt-copy"), self.lun_file("tgt-thin", SMALL_LUN_SIZE)],
                2: [self.lun_file("tgt-digest", SMALL_LUN_SIZE)]}
        thin_lun = SESSION_LUNS + 3
        for tid, files in luns.items():
            name = iqn if tid == 1 else iqn + "-digest"
            cmds = [["--op", "new", "--mode", "target", "--tid", str(tid), "-T", name]]
            cmds += [["--op", "new", "--mode", "logicalunit", "--tid", str(tid), "--lun", str(n), "-b", f,
                      "--blocksize", str(BLOCK)] for n, f in enumerate(files, 1)]
            if tid == 1:
                cmds.append(["--op", "update", "--mode", "logicalunit", "--tid", "1", "--lun", str(thin_lun),
                             "--params", "thin_provisioning=1"])
            cmds.append(["--op", "bind", "--mode", "target", "--tid", str(tid), "-I", HOST])
            # The same login offer as jstgt's defaults (etc/jstgt.target-demo.cfg).
            keys = [("MaxRecvDataSegmentLength", 262144), ("MaxBurstLength", 1048576),
                    ("FirstBurstLength", 262144), ("InitialR2T", "No"), ("ImmediateData", "Yes")]
            if tid == 2:
                keys.append(("HeaderDigest", "CRC32C"))
            cmds += [["--op", "update", "--mode", "target", "--tid", str(tid), "--name", key, "--value", str(value)]
                     for key, value in keys]
            for cmd in cmds:
                subprocess.run(adm + cmd, check=True, env=self.tgt_env, timeout=30)
        base = "iscsi://%s:%d/%s" % (HOST, PORTS["tgt"], iqn)
        self.urls["tgt"] = base + "/1"
        self.session_urls["tgt"] = ["%s/%d" % (base, n) for n in range(2, SESSION_LUNS + 2)]
        self.digest_urls["tgt"] = base + "-digest/1"
        self.copy_urls["tgt"] = "%s/%d" % (base, thin_lun - 1)
        self.thin_urls["tgt"] = "%s/%d" % (base, thin_lun)

    def start_istgt(self):
        lun = self.lun_file("istgt")
        d = os.path.join(self.tmp, "istgt")
        os.makedirs(d)
        conf = os.path.join(d, "istgt.conf")
        open(os.path.join(d, "auth.conf"), "w").close()
        # istgt 0.4 refuses InitialR2T No; everything else matches jstgt's defaults.
        small = "".join("  LUN%d Storage %s %dMB\n" % (i, self.lun_file("istgt-s%d" % i, SMALL_LUN_SIZE),
                                                        SMALL_LUN_SIZE // MiB) for i in range(1, SESSION_LUNS + 1))
        # then the copy LUN and the thin LUN
        small += "  LUN%d Storage %s %dMB\n" % (SESSION_LUNS + 1, self.lun_file("istgt-copy"), LUN_SIZE // MiB)
        small += "  LUN%d Storage %s %dMB\n" % (SESSION_LUNS + 2, self.lun_file("istgt-thin", SMALL_LUN_SIZE),
                                                SMALL_LUN_SIZE // MiB)
        with open(conf, "w") as f:
            f.write(ISTGT_CONF.format(dir=d, port=PORTS["istgt"], control=PORTS["istgt-control"],
                                      host=HOST, lun=lun, block=BLOCK, session_luns=small,
                                      digest_lun=self.lun_file("istgt-digest", SMALL_LUN_SIZE),
                                      small_mb=SMALL_LUN_SIZE // MiB))
        self.spawn("istgt", ["istgt", "-D", "-c", conf, "-p", os.path.join(d, "istgt.pid")])
        base = "iscsi://%s:%d/iqn.2026-11.org.jstgt.bench:istgt" % (HOST, PORTS["istgt"])
        self.urls["istgt"] = base + "/0"
        self.session_urls["istgt"] = ["%s/%d" % (base, n) for n in range(1, SESSION_LUNS + 1)]
        self.digest_urls["istgt"] = base + "-digest/0"
        self.copy_urls["istgt"] = "%s/%d" % (base, SESSION_LUNS + 1)
        self.thin_urls["istgt"] = "%s/%d" % (base, SESSION_LUNS + 2)

    def wait_ready(self, name, timeout):
        """Until iscsi-readcapacity16 reads every LUN's capacity (login, LUN mapped, size right)."""
        deadline = time.time() + timeout
        last = ""
        luns = [(self.urls[name], LUN_SIZE), (self.digest_urls[name], SMALL_LUN_SIZE)]
        luns += [(u, SMALL_LUN_SIZE) for u in self.session_urls[name]]
        luns += [(self.copy_urls[name], LUN_SIZE), (self.thin_urls[name], SMALL_LUN_SIZE)]
        while luns and time.time() < deadline:
            p = self.procs[name]
            if p.poll() is not None:
                raise RuntimeError("%s exited with %s; see %s/%s.log" % (name, p.returncode, self.raw, name))
            url, size = luns[0]
            try:
                r = subprocess.run(["iscsi-readcapacity16", "-s", url], capture_output=True, text=True, timeout=15)
                last = url + ": " + r.stdout + r.stderr
                if r.returncode == 0 and r.stdout.split() == [str(size)]:
                    luns.pop(0)
                    continue
            except subprocess.TimeoutExpired:
                last = url + ": iscsi-readcapacity16 timed out"
            time.sleep(2)
        if luns:
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

    def workload_urls(self, target, wl):
        if wl.sessions > 1:
            return self.session_urls[target][:wl.sessions]
        if wl.lun == "thin":
            return [self.thin_urls[target]]
        return [self.digest_urls[target] if wl.digest else self.urls[target]]

    def run_tool(self, target, wl, amount, tag, limit):
        """Runs the workload's tool once per session, all at once, for amount seconds (iscsi-perf,
        McsLoad) or requests per session (qemu-img bench); returns IOPS, seconds, bytes, the
        HeaderDigest the target answered at login and, for McsLoad, what it reported of the session
        (connections it got, the MaxConnections answer). Several sessions count together over the
        same window: the sum of iscsi-perf's per-session IOPS over its fixed time, or all of
        qemu-img's requests over the time of the slowest session."""
        urls = self.workload_urls(target, wl)
        # Level 6 logs the target's login answers (TargetLoginReply: key=value), nothing per command.
        env = dict(os.environ, LIBISCSI_DEBUG="6")
        jobs = []
        for i, url in enumerate(urls, 1):
            argv = tool_argv(wl, url, amount, "%s:session%d" % (INITIATOR, i) if len(urls) > 1 else None,
                             self.copy_urls[target])
            jobs.append((argv, os.path.join(self.raw, tag + (".s%d" % i if len(urls) > 1 else "") + ".txt")))
        runs = run_all(jobs, limit, env)
        want = "CRC32C" if wl.digest else "None"
        if wl.tool == "McsLoad":
            iops, secs, moved, extra = self.mcs_result(target, wl, runs)
            return iops, secs, moved, want, extra
        rates, times = [], []
        for path, p in runs:
            with open(path) as f:
                out = f.read()
            if wl.tool == "iscsi-perf":
                found = re.findall(r"iops average (\d+)", out)
                ok = "finished" in out and found
            else:
                found = re.findall(r"Run completed in ([0-9.]+) seconds", out)
                ok = bool(found)
            if p.returncode != 0 or not ok:
                raise RuntimeError("%s failed (%s): %s" % (wl.tool, p.returncode, out.strip()[-300:]))
            answered = set(re.findall(r"TargetLoginReply: HeaderDigest=(\S+)", out))
            if answered != {want}:
                raise RuntimeError("%s answered HeaderDigest=%s, not %s (%s)"
                                   % (target, ",".join(sorted(answered)) or "nothing", want, path))
            (rates if wl.tool == "iscsi-perf" else times).append(float(found[-1]))
        if rates:
            return sum(rates), amount, sum(rates) * amount * wl.bs, want, {}
        count = amount * len(runs)
        return count / max(times), max(times), count * wl.bs, want, {}

    def mcs_result(self, target, wl, runs):
        """McsLoad's JSON line: IOPS, seconds, bytes and the session it got. It offers
        HeaderDigest=None only and stops if a target answers otherwise. jstgt must grant every
        connection asked for; another target that grants fewer is recorded as it is. A command the
        target refused (ILLEGAL REQUEST to the first one) is recorded as not supported; so is any
        failure of tgt or istgt in an SBC or copy workload (their bugs are not ours to stop for)."""
        (path, p), = runs
        with open(path) as f:
            out = f.read()
        found = re.findall(r'^(\{"tool":"McsLoad".*\})$', out, re.M)
        if p.returncode != 0 or not found:
            if wl.command is None or target == "jstgt":
                raise RuntimeError("McsLoad failed (%s): %s" % (p.returncode, out.strip()[-300:]))
            reason = "failed: " + (out.strip().splitlines() or ["exit status %s" % p.returncode])[-1][-200:]
            log("%s: %s %s; recorded as n/a (%s)" % (target, wl.name, reason, path))
            return 0, 0, 0, {"supported": False, "refusal": reason}
        r = json.loads(found[-1])
        if not r.get("supported", True):
            log("%s: %s not run, the target refused it: %s" % (target, wl.name, r["refusal"]))
            return 0, 0, 0, {"supported": False, "refusal": r["refusal"]}
        if wl.command in COPY_COMMANDS:
            extra = {k: r[k] for k in ("chunk", "queue_depth", "commands", "gib_per_s", "samples_verified")}
            extra["supported"] = True
            return r["commands"] / r["seconds"], r["seconds"], r["bytes"], extra
        if r["connections"] < wl.connections:
            if target == "jstgt":
                raise RuntimeError("jstgt gave McsLoad %d of %d connections (MaxConnections=%s, %s); see %s"
                                   % (r["connections"], wl.connections, r["max_connections_answered"],
                                      r["join_refused"], path))
            log("%s: the session got %d of %d connections (MaxConnections=%s%s)"
                % (target, r["connections"], wl.connections, r["max_connections_answered"],
                   ", " + r["join_refused"] if r["join_refused"] else ""))
        extra = {k: r[k] for k in ("connections", "max_connections_answered", "join_refused", "per_connection")}
        extra.update({k: r[k] for k in ("lat_p50_us", "lat_p99_us", "lat_p999_us") if r.get(k) is not None})
        if wl.command is not None:
            extra["supported"] = True
        # The process's warm-up load is in the target's CPU time and on loopback too: counted there.
        extra["warmup_bytes"] = r["warmup_ios"] * wl.bs
        return r["iops"], r["seconds"], r["ios"] * wl.bs, extra

    def calibrate(self, target, wl):
        """A request count per session that takes about --time seconds on this target (qemu-img
        bench runs a count)."""
        count = max(wl.qd * 4, (64 * MiB) // wl.bs)
        while True:
            iops, elapsed, _, _, _ = self.run_tool(target, wl, count, "calibrate-%s-%s" % (target, slug(wl.name)), 120)
            if elapsed >= 0.5 or count >= 50_000_000:
                return max(wl.qd, int(iops / wl.sessions * self.args.time))
            count *= 4 if elapsed < 0.15 else 2

    def measure(self, target, wl, rep, counts):
        tag = "%s-%s-rep%d" % (target, slug(wl.name), rep)
        cpu0 = self.cpu_seconds(target)
        lo0 = loopback_bytes()
        if wl.tool == "iscsi-perf":
            amount, limit = self.args.time, self.args.time + 60
        elif wl.command in COPY_COMMANDS:
            amount, limit = COPY_BYTES, 600
        elif wl.tool == "McsLoad":
            amount, limit = self.args.time, self.args.time + MCS_WARMUP + 60
        else:
            key = (target, wl.name)
            if key not in counts:
                counts[key] = self.calibrate(target, wl)
            amount, limit = counts[key], self.args.time * 6 + 60
        iops, elapsed, moved, digest, extra = self.run_tool(target, wl, amount, tag, limit)
        cpu = self.cpu_seconds(target) - cpu0
        # A cross-check of the tools' counts: the loopback bytes of the run (both directions, all
        # traffic on lo, so somewhat above the payload) must not fall short of the payload.
        wire = loopback_bytes() - lo0
        if not extra.get("supported", True):
            self.runs.append({"target": target, "workload": wl.name, "tool": wl.tool, "rep": rep,
                              "sessions": wl.sessions, "header_digest": digest, "lo_bytes": wire, "cpu_s": cpu,
                              **extra})
            log("%-6s %-38s rep %d: n/a (%s)" % (target, wl.name, rep, extra["refusal"]))
            return
        # CPU and loopback bytes cover the whole tool run, McsLoad's unmeasured warm-up included
        busy = moved + extra.get("warmup_bytes", 0)
        run = {"target": target, "workload": wl.name, "tool": wl.tool, "rep": rep, "sessions": wl.sessions,
               "header_digest": digest, "iops": iops, "mbps": moved / elapsed / 1e6,
               "lat_us": wl.qd * wl.sessions / iops * 1e6, "seconds": elapsed, "bytes": moved,
               "lo_bytes": wire, "cpu_s": cpu, "cpu_s_per_gib": cpu / (busy / (1 << 30))}
        run.update(extra)
        if wl.tool != "McsLoad":
            # neither iscsi-perf nor qemu-img reports per-command latency: McsLoad, which times every
            # command, runs the same shape right after (outside the CPU and loopback counts above)
            run.update(self.latency(target, wl, tag))
        self.runs.append(run)
        log("%-6s %-38s rep %d: %9.0f IOPS %8.1f MB/s %8.1f us  %.2f CPU s/GiB  lo/payload %.2f"
            % (target, wl.name, rep, iops, run["mbps"], run["lat_us"], run["cpu_s_per_gib"], wire / busy))
        # deallocations move their ranges within the target, an EXTENDED COPY its data too
        if wire < busy and wl.command not in IN_PLACE_COMMANDS + ("xcopy",):
            log("WARNING: %s moved fewer bytes on loopback (%d) than the tool counted (%d)" % (target, wire, busy))

    def latency(self, target, wl, tag):
        """Per-command latency percentiles of the workload's shape (block size, queue depth,
        direction, random or sequential, header digest, sessions), from McsLoad on one connection
        per session for the run time after its own warm-up. With several sessions, p50 is the median
        of the sessions' and p99/p99.9 the worst session's."""
        urls = self.workload_urls(target, wl)
        jobs = []
        for i, url in enumerate(urls, 1):
            argv = latency_argv(wl, url, self.args.time, "%s:latency%d" % (INITIATOR, i) if len(urls) > 1 else None)
            jobs.append((argv, os.path.join(self.raw, "latency-" + tag + (".s%d" % i if len(urls) > 1 else "")
                                            + ".txt")))
        procs = run_all(jobs, self.args.time + MCS_WARMUP + 60)
        found = []
        for path, p in procs:
            with open(path) as f:
                out = f.read()
            lines = re.findall(r'^(\{"tool":"McsLoad".*\})$', out, re.M)
            r = json.loads(lines[-1]) if lines else {}
            if p.returncode != 0 or r.get("lat_p99_us") is None:
                if target == "jstgt":
                    raise RuntimeError("McsLoad latency run failed (%s): %s" % (p.returncode, out.strip()[-300:]))
                log("%s: %s latency run failed; recorded as n/a (%s)" % (target, wl.name, path))
                return {}
            found.append(r)
        lat = {"lat_p50_us": statistics.median(r["lat_p50_us"] for r in found),
               "lat_p99_us": max(r["lat_p99_us"] for r in found),
               "lat_p999_us": max(r["lat_p999_us"] for r in found),
               "lat_iops": sum(r["iops"] for r in found)}
        log("%-6s %-38s latency (McsLoad): p50 %.0f us, p99 %.0f us, p99.9 %.0f us at %.0f IOPS"
            % (target, wl.name, lat["lat_p50_us"], lat["lat_p99_us"], lat["lat_p999_us"], lat["lat_iops"]))
        return lat

    def warm_up(self):
        """Runs every workload once on every target, unmeasured, so that no target is measured
        cold (jstgt's JIT compiles its hot paths in the first seconds under load)."""
        # --quick warms the first workloads only: enough that the first one measured is not cold
        wls = selected(self.args.quick, self.args.only)[:4] if self.args.quick else selected(False, self.args.only)
        log("warm-up: %s %d s per target, not measured" % ("the first %d workloads" % len(wls) if self.args.quick
                                                            else "every workload", self.args.warmup))
        for wl in wls:
            for t in TARGETS:
                tag = "warmup-%s-%s" % (t, slug(wl.name))
                if wl.command in COPY_COMMANDS:
                    self.run_tool(t, wl, COPY_BYTES, tag, 600)
                elif wl.tool in ("iscsi-perf", "McsLoad"):
                    self.run_tool(t, wl, self.args.warmup, tag, self.args.warmup + MCS_WARMUP + 60)
                else:
                    count = self.calibrate(t, wl)
                    self.run_tool(t, wl, max(wl.qd, count * self.args.warmup // self.args.time), tag,
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
                        ["--op", "delete", "--force", "--mode", "target", "--tid", "2"],
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
            for wl in selected(self.args.quick, self.args.only):
                if wl.name == "1M seq read QD8":
                    # The ceiling of each repetition is measured right before the workload it is
                    # compared with, so that machine drift hits both alike; the median is reported.
                    c = self.iperf(rep)
                    if c:
                        ceilings.append(c)
                # A B C, then B C A, then C A B: no target always runs first or right after another
                for t in rotated(TARGETS, rep - 1):
                    self.measure(t, wl, rep, counts)
        self.env["load_after"] = os.getloadavg()
        self.env["wall_seconds"] = time.time() - t0
        self.env["iperf3_mbps"] = statistics.median(ceilings) if ceilings else None
        self.env["iperf3_runs"] = ceilings
        self.env["seconds_per_run"] = self.args.time
        self.env["warmup_seconds"] = self.args.warmup
        self.env["reps"] = self.args.reps
        self.env["urls"] = self.urls
        self.env["lun_dir"] = "%s (%s)" % (self.args.lun_dir, self.args.lun_fs)
        return report(self.runs, self.env, self.raw, self.args)


def run_all(jobs, limit, env=None):
    """Starts every (argv, output path) at once, each writing its command line and then its output
    to its path, and waits up to limit seconds for all; what is still running then is killed.
    Returns the (path, process) pairs."""
    runs = []
    try:
        for argv, path in jobs:
            with open(path, "w") as out:
                out.write("$ " + " ".join(argv) + "\n")
                out.flush()
                runs.append((path, subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                                    stderr=subprocess.STDOUT, env=env)))
        deadline = time.time() + limit
        for _, p in runs:
            p.wait(timeout=max(1, deadline - time.time()))
    finally:
        for _, p in runs:
            if p.poll() is None:
                p.kill()
                p.wait()
    return runs


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


def jar_has(jar, cls):
    import zipfile
    try:
        with zipfile.ZipFile(jar) as z:
            return cls.replace(".", "/") + ".class" in z.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def rotated(items, k):
    """items turned k places to the left: the order of the targets in repetition k + 1."""
    k %= len(items)
    return items[k:] + items[:k]


def selected(quick, only=None):
    """The workloads of a run: all, or with --quick those marked quick; with --only those of them
    whose name the regular expression only finds."""
    return [wl for wl in WORKLOADS if (wl.quick or not quick) and (only is None or re.search(only, wl.name))]


def tool_argv(wl, url, amount, initiator, copy_url=None):
    """The command line of one session: amount is seconds (iscsi-perf, McsLoad), requests (qemu-img)
    or bytes (McsLoad's copies, from url's LUN to copy_url's)."""
    if wl.tool == "McsLoad":
        m = re.match(r"iscsi://([^/]+)/([^/]+)/(\d+)$", url)
        argv = ["java", "-cp", MCS_JAR, MCS_CLASS, "--portal", m.group(1), "--target", m.group(2),
                "--lun", m.group(3), "--connections", str(wl.connections), "--queue-depth", str(wl.qd),
                "--block", str(wl.bs)]
        if wl.command in COPY_COMMANDS:
            # a 4 MiB EXTENDED COPY or WRITE may take a while on a busy machine
            argv += ["--command", wl.command, "--dest-lun", copy_url.rsplit("/", 1)[1], "--bytes", str(amount),
                     "--timeout", "60"]
        else:
            argv += ["--seconds", str(amount), "--warmup", str(MCS_WARMUP)]
            if wl.command:
                argv += ["--command", wl.command]
        if initiator:
            argv += ["--initiator", initiator]
        return argv + (["--write"] if wl.write and wl.command is None else [])
    if wl.tool == "iscsi-perf":
        argv = ["iscsi-perf", "-m", str(wl.qd), "-b", str(wl.bs // BLOCK), "-t", str(amount)]
        if initiator:
            argv += ["-i", initiator]
        if wl.rnd:
            argv.append("-r")
        return argv + [url]
    step = wl.bs * SCATTER_STRIDE_REQUESTS if wl.rnd else wl.bs
    argv = ["qemu-img", "bench", "-f", "raw", "-t", "none", "-c", str(amount), "-d", str(wl.qd),
            "-s", str(wl.bs), "-S", str(step)]
    if wl.write:
        argv.append("-w")
    return argv + [qemu_filename(url, wl.digest, initiator)]


def latency_argv(wl, url, secs, initiator):
    """McsLoad in the shape of a workload another tool drives: one connection, the same block size,
    queue depth and direction, sequential unless random, HeaderDigest=CRC32C on the digest target."""
    m = re.match(r"iscsi://([^/]+)/([^/]+)/(\d+)$", url)
    argv = ["java", "-cp", MCS_JAR, MCS_CLASS, "--portal", m.group(1), "--target", m.group(2), "--lun", m.group(3),
            "--connections", "1", "--queue-depth", str(wl.qd), "--block", str(wl.bs), "--seconds", str(secs),
            "--warmup", str(MCS_WARMUP)]
    if initiator:
        argv += ["--initiator", initiator]
    if not wl.rnd:
        argv.append("--sequential")
    if wl.digest:
        argv.append("--header-digest")
    return argv + (["--write"] if wl.write else [])


def qemu_filename(url, digest, initiator):
    """The header digest and the initiator name are options of QEMU's iscsi driver, given in a
    json: image name (it offers HeaderDigest=None,CRC32C by default)."""
    if not (digest or initiator):
        return url
    m = re.match(r"iscsi://([^/]+)/([^/]+)/(\d+)$", url)
    opts = {"driver": "iscsi", "transport": "tcp", "portal": m.group(1), "target": m.group(2), "lun": m.group(3)}
    if digest:
        opts["header-digest"] = "crc32c"
    if initiator:
        opts["initiator-name"] = initiator
    return "json:" + json.dumps({"file": opts}, separators=(",", ":"))


def version(pkg):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True)
    return r.stdout.strip() or "?"


MEMORY_FS = ("tmpfs", "ramfs")


def fs_type(path):
    """The type of the file system path is on (findmnt), or "?"."""
    try:
        out = subprocess.run(["findmnt", "-no", "FSTYPE", "-T", path], capture_output=True, text=True,
                             timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return out.splitlines()[0] if out else "?"


def lun_bytes():
    """What the LUN files of all three targets take: per target two LUNs of LUN_SIZE and the
    session LUNs, the thin LUN and the digest LUN of SMALL_LUN_SIZE."""
    return len(TARGETS) * (2 * LUN_SIZE + (SESSION_LUNS + 2) * SMALL_LUN_SIZE)


def check_lun_dir(d):
    """None when d can take the LUN files, else why not."""
    if not os.path.isdir(d):
        return "--lun-dir %s: not a directory" % d
    if not os.access(d, os.W_OK | os.X_OK):
        return "--lun-dir %s: not writable" % d
    st = os.statvfs(d)
    free = st.f_bavail * st.f_frsize
    if free < lun_bytes():
        return "--lun-dir %s: %.1f GiB free, the LUN files need %.1f GiB" % (d, free / (1 << 30),
                                                                           lun_bytes() / (1 << 30))
    return None


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
  # 2: the MC/S workloads' sessions (libiscsi offers 1 and gets 1)
  MaxConnections 2
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
{session_luns}[LogicalUnit2]
  TargetName istgt-digest
  Mapping PortalGroup1 InitiatorGroup1
  AuthMethod None
  UseDigest Header
  UnitType Disk
  QueueDepth 64
  BlockLength {block}
  LUN0 Storage {digest_lun} {small_mb}MB
"""


# --- report ------------------------------------------------------------------------------------

def medians(runs):
    """Per workload and target the medians of the runs the target ran; a target that refused a
    command in every run has only its refusal (the median of none is n/a)."""
    out = {}
    for wl in WORKLOADS:
        for t in TARGETS:
            every = [r for r in runs if r["workload"] == wl.name and r["target"] == t]
            rs = [r for r in every if r.get("supported", True)]
            if rs:
                out[(wl.name, t)] = {k: statistics.median(r[k] for r in rs)
                                   for k in ("iops", "mbps", "lat_us", "cpu_s_per_gib", "seconds")}
                for k in LATENCY_KEYS:
                    vals = [r[k] for r in rs if r.get(k) is not None]
                    if vals:
                        out[(wl.name, t)][k] = statistics.median(vals)
                out[(wl.name, t)]["connections"] = min(r.get("connections", wl.connections) for r in rs)
                out[(wl.name, t)]["max_connections"] = rs[-1].get("max_connections_answered", "")
            elif every:
                out[(wl.name, t)] = {"refusal": every[-1]["refusal"], "connections": wl.connections}
    return out


LATENCY_KEYS = ("lat_p50_us", "lat_p99_us", "lat_p999_us")


def percentiles_table(med):
    """Per workload and target the per-command latency percentiles (McsLoad), and jstgt's p99 over
    the better peer's (lower is better)."""
    lines = ["| Workload | jstgt p50 / p99 / p99.9 µs | tgt p50 / p99 / p99.9 µs | istgt p50 / p99 / p99.9 µs "
             "| p99 jstgt / better peer |",
             "|---|--:|--:|--:|--:|"]
    wls = [wl for wl in rate_workloads(med) if "lat_p99_us" in med[(wl.name, "jstgt")]]
    if not wls:
        return ""
    for wl in wls:
        m = {t: med[(wl.name, t)] for t in TARGETS}
        cells = []
        for t in TARGETS:
            if "lat_p99_us" not in m[t] or short(wl, m[t]):
                cells.append("n/a")
            else:
                cells.append(" / ".join("%.0f" % m[t][k] for k in LATENCY_KEYS))
        peers = [m[t]["lat_p99_us"] for t in TARGETS[1:] if "lat_p99_us" in m[t] and not short(wl, m[t])]
        cells.append(ratio(m["jstgt"]["lat_p99_us"], min(peers)) if peers else "-")
        lines.append("| %s | %s |" % (wl.name, " | ".join(cells)))
    return "\n".join(lines)


def short(wl, m):
    """True when the target gave an MC/S workload's session fewer connections than it asked for:
    that run measured something else, and is shown as n/a."""
    return m["connections"] < wl.connections


def cell(wl, m, fmt, key):
    if "refusal" in m:
        return "n/a²"
    return "n/a¹" if short(wl, m) else fmt % m[key]


def ratio_cell(wl, m, key, t):
    if any("refusal" in m[x] or short(wl, m[x]) for x in ("jstgt", t)):
        return "-"
    return ratio(m["jstgt"][key], m[t][key])


def rate_workloads(med):
    """The workloads of the throughput and latency tables: all but the copies, which have their own."""
    return [wl for wl in WORKLOADS if wl.command not in COPY_COMMANDS and (wl.name, "jstgt") in med]


def ratio(a, b):
    return "%.2f" % (a / b) if b else "-"


def tables(runs, env):
    med = medians(runs)
    lines = ["| Workload | Tool | jstgt IOPS | tgt IOPS | istgt IOPS | jstgt MB/s | tgt MB/s | istgt MB/s "
             "| jstgt/tgt | jstgt/istgt |",
             "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for wl in rate_workloads(med):
        name = wl.name
        m = {t: med[(name, t)] for t in TARGETS}
        tool = wl.tool if wl.sessions == 1 else "%d x %s" % (wl.sessions, wl.tool)
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            name, tool, *(cell(wl, m[t], "%.0f", "iops") for t in TARGETS),
            *(cell(wl, m[t], "%.1f", "mbps") for t in TARGETS),
            ratio_cell(wl, m, "iops", "tgt"), ratio_cell(wl, m, "iops", "istgt")))
    perf = "\n".join(lines)
    lines = ["| Workload | jstgt µs | tgt µs | istgt µs | jstgt CPU s/GiB | tgt CPU s/GiB | istgt CPU s/GiB "
             "| CPU jstgt/tgt | CPU jstgt/istgt |",
             "|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for wl in rate_workloads(med):
        name = wl.name
        m = {t: med[(name, t)] for t in TARGETS}
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            name, *(cell(wl, m[t], "%.0f", "lat_us") for t in TARGETS),
            *(cell(wl, m[t], "%.2f", "cpu_s_per_gib") for t in TARGETS),
            ratio_cell(wl, m, "cpu_s_per_gib", "tgt"), ratio_cell(wl, m, "cpu_s_per_gib", "istgt")))
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


def digests_text(runs):
    crc = [r for r in runs if r.get("header_digest") == "CRC32C"]
    sessions = max([r.get("sessions", 1) for r in runs] or [1])
    return ("The HeaderDigest workloads ran on each server's second target, which offers "
            "HeaderDigest=CRC32C only (iscsi-perf offers None,CRC32C whatever its URL says, qemu-img was told "
            "to offer CRC32C only); in every one of their %d runs "
            "libiscsi's log of the target's login answer (LIBISCSI_DEBUG=6, kept with the raw output) "
            "showed HeaderDigest=CRC32C, and HeaderDigest=None in every other run. DataDigest stayed None: "
            "libiscsi, and so QEMU's iscsi driver, always offers DataDigest=None, so none of these "
            "initiators measures data digests. The session workloads start %d tool processes at once, each "
            "its own session (own initiator name) on its own 256 MiB LUN of the same target; IOPS and MB/s "
            "are their sum over the same run time (qemu-img bench: all requests over the slowest "
            "session's time)." % (len(crc), sessions))


def mcs_text(runs, med):
    """The MC/S paragraph: what drove those rows, what each target granted, 2-vs-1 ratios."""
    pairs = [(one, two) for one in WORKLOADS for two in WORKLOADS
             if one.tool == two.tool == "McsLoad" and one.connections == 1 and two.connections == 2
             and one.write == two.write and one.command is None and two.command is None
             and (one.name, "jstgt") in med and (two.name, "jstgt") in med]
    if not pairs:
        return ""
    text = ("The MC/S workloads run McsLoad (`benchmarks/` module, `%s`), our own client: libiscsi and "
            "QEMU open one connection per session, and the kernel initiator is not usable here. One session "
            "offers MaxConnections=1 or 2 in its leading login, adds a connection with the session's TSIH and "
            "CID 1 when the target allows it, and keeps 32 random 4K commands in flight spread over its "
            "connections (one CmdSN sequence, within MaxCmdSN; WRITE(10)s carry their data as immediate "
            "data); it counts completions for the run time after %d s of unmeasured load in its own JVM. "
            "Its 1-connection rows are the baseline of its 2-connection rows; they are not comparable with "
            "iscsi-perf's and qemu-img's QD32 rows (another client). istgt runs with `MaxConnections 2`; "
            "jstgt with its default max.connections (4)." % (MCS_CLASS, MCS_WARMUP))
    got = []
    for t in TARGETS:
        for _, two in pairs:
            rs = [r for r in runs if r["workload"] == two.name and r["target"] == t]
            if rs:
                got.append("%s %s: %s (MaxConnections=%s)" % (
                    t, "write" if two.write else "read", "/".join(str(r.get("connections", "?")) for r in rs),
                    rs[-1].get("max_connections_answered", "?")))
    text += " Connections the 2-connection sessions got, per run: " + "; ".join(got) + "."
    ratios = []
    for t in TARGETS:
        parts = []
        for one, two in pairs:
            m1, m2 = med[(one.name, t)], med[(two.name, t)]
            op = "write" if two.write else "read"
            if short(two, m2):
                parts.append("%s n/a¹" % op)
            else:
                parts.append("%s %s" % (op, ratio(m2["iops"], m1["iops"])))
        ratios.append("%s %s" % (t, ", ".join(parts)))
    text += " IOPS of 2 connections over 1 (same client, same target): " + "; ".join(ratios) + "."
    notes = []
    for t in TARGETS:
        for _, two in pairs:
            m2 = med[(two.name, t)]
            if short(two, m2):
                notes.append("%s answered MaxConnections=%s to the offer of %d, so its \"%s\" session had %d "
                             "connection(s): that run measured %.0f IOPS, the 1-connection workload again, and is "
                             "shown as n/a, without ratios" % (t, m2["max_connections"], two.connections,
                                                                two.name, m2["connections"], m2["iops"]))
    if notes:
        text += "\n\n¹ " + "; ".join(notes) + (" (tgt has no MC/S: it always negotiates MaxConnections=1)."
                                                 if any(n.startswith("tgt ") for n in notes) else ".")
    return text


def copy_table(med):
    """The copies of COPY_BYTES: seconds and GiB/s per target, jstgt's ratios, and per target the
    EXTENDED COPY's speed over the copy through the initiator."""
    copies = [wl for wl in WORKLOADS if wl.command in COPY_COMMANDS and (wl.name, "jstgt") in med]
    if not copies:
        return ""
    lines = ["| Copy | jstgt s | tgt s | istgt s | jstgt GiB/s | tgt GiB/s | istgt GiB/s | jstgt/tgt | jstgt/istgt |",
             "|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for wl in copies:
        m = {t: dict(med[(wl.name, t)]) for t in TARGETS}
        for v in m.values():
            if "mbps" in v:
                v["gibps"] = v["mbps"] * 1e6 / (1 << 30)
        lines.append("| %s | %s | %s | %s | %s |" % (
            wl.name, " | ".join(cell(wl, m[t], "%.2f", "seconds") for t in TARGETS),
            " | ".join(cell(wl, m[t], "%.2f", "gibps") for t in TARGETS),
            ratio_cell(wl, m, "gibps", "tgt"), ratio_cell(wl, m, "gibps", "istgt")))
    host = [wl for wl in copies if wl.command == "host-copy"]
    xcopy = [wl for wl in copies if wl.command == "xcopy"]
    if host and xcopy:
        parts = []
        for t in TARGETS:
            h, x = med[(host[0].name, t)], med[(xcopy[0].name, t)]
            parts.append("%s %s" % (t, "n/a²" if "refusal" in h or "refusal" in x else ratio(x["mbps"], h["mbps"])))
        lines += ["", "EXTENDED COPY's GiB/s over the copy through the initiator's (same target): %s."
                  % "; ".join(parts)]
    return "\n".join(lines)


def refusals_text(med):
    """Footnote ²: which target refused which workloads, and with what."""
    by = collections.OrderedDict()
    for wl in WORKLOADS:
        for t in TARGETS:
            m = med.get((wl.name, t))
            if m and "refusal" in m:
                by.setdefault((t, m["refusal"]), []).append(wl.name)
    if not by:
        return ""
    return "² Not run, the target refused the workload's first command: " + "; ".join(
        "%s, %s (%s)" % (t, " and ".join(names), refusal) for (t, refusal), names in by.items()) + "."


def sbc_text(runs, med):
    """The paragraph on the SBC commands and the copies, with their table and footnote."""
    if not any(wl.command for wl in WORKLOADS if (wl.name, "jstgt") in med):
        return ""
    text = ("COMPARE AND WRITE, UNMAP and WRITE SAME(16) run McsLoad (`--command caw|unmap|write-same-unmap|"
            "write-same`) on one connection for the run time after %d s of unmeasured load: COMPARE AND WRITE of "
            "one %d-byte block, each of the QD slots on its own block, read once before and sent back as the "
            "verify instance, so that every compare succeeds (QD1 is ESXi's ATS heartbeat, QD32 lock traffic on "
            "32 blocks); UNMAP (one 1 MiB range per command), WRITE SAME(16) with UNMAP and WRITE SAME(16) "
            "without it (one block of zeros over 1 MiB) on the thin 256 MiB LUN, walking it in LBA order and "
            "wrapping around, so that after the first pass the ranges are already deallocated or zero. Their "
            "IOPS are commands per second, their MB/s the bytes compared and written (COMPARE AND WRITE) or "
            "deallocated or zeroed, and CPU s/GiB is per GiB of those. A target that answers a workload's first "
            "command with ILLEGAL REQUEST (INVALID COMMAND OPERATION CODE from a target without the command) is "
            "shown as n/a²; tgt's thin LUN has `thin_provisioning=1` (it takes UNMAP and WRITE SAME with UNMAP "
            "only on such a LUN).\n\n"
            "The copies move %d GiB from the 1 GiB LUN to a second 1 GiB LUN of the same target, once "
            "through McsLoad (READ(16) of 1 MiB, then WRITE(16) of it, 8 chunks in flight) and once within the "
            "target (EXTENDED COPY(LID1) of one 4 MiB block-to-block segment between two identification "
            "descriptor CSCD descriptors with the LUNs' NAA designators from VPD page 83h, 8 in flight, fitted "
            "to what RECEIVE COPY OPERATING PARAMETERS says when the target answers it); eight 1 MiB samples of "
            "the destination are overwritten before each copy and compared with the source after it. Seconds "
            "are from the first command to the last completion; ratios are of GiB/s." % (
                MCS_WARMUP, BLOCK, COPY_BYTES >> 30))
    table = copy_table(med)
    note = refusals_text(med)
    return text + ("\n\n" + table if table else "") + ("\n\n" + note if note else "")


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
        names = [w.name for w in rate_workloads(med)]
        cols = 4
        rows = (len(names) + cols - 1) // cols
        fig, axes = plt.subplots(rows, cols, figsize=(12, 2.75 * rows + 0.5), squeeze=False)
        wls = {w.name: w for w in WORKLOADS}
        for ax, name in zip(axes.flat, names):
            # n/a (an MC/S session that got fewer connections than asked, a command refused): no bar
            na = {t: "refusal" in med[(name, t)] or short(wls[name], med[(name, t)]) for t in TARGETS}
            vals = [0 if na[t] else med[(name, t)][key] for t in TARGETS]
            bars = ax.bar(TARGETS, vals, color=[colors[t] for t in TARGETS])
            ax.set_title(name, fontsize=9)
            ax.tick_params(labelsize=8)
            for b, v, t in zip(bars, vals, TARGETS):
                text = "n/a" if na[t] else ("%.0f" if v >= 10 else "%.2f") % v
                ax.annotate(text, (b.get_x() + b.get_width() / 2, v), ha="center", va="bottom", fontsize=7)
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
    pct = percentiles_table(med)
    print("\n" + perf + "\n\n" + cpu + "\n\n" + pct + "\n\n" + ceiling + "\n\n" + mcs_text(runs, med) + "\n\n"
          + sbc_text(runs, med) + "\n")
    print("LUN files in %s; wall time: %.0f s; raw output: %s" % (env.get("lun_dir", "?"), env["wall_seconds"],
                                                                    raw))
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
        "Latency is derived as queue depth x sessions / IOPS (Little's law): neither tool reports it. "
        "CPU is the target process's utime + stime (/proc/<pid>/stat) over the run, per GiB moved "
        "(lower is better).",
        "",
        cpu,
        "",
        "### Latency percentiles (lower is better)",
        "",
        "Per-command latency from McsLoad, which times every command from building its SCSI Command "
        "PDU to reading its status (exact nearest-rank percentiles over all commands of the run). The "
        "McsLoad workloads report it from their measured run; for the iscsi-perf and qemu-img "
        "workloads, which report no latency, McsLoad runs the same shape right after the measured run "
        "(one connection per session, same block size, queue depth and direction, sequential where the "
        "workload is, HeaderDigest=CRC32C on the digest target; %d s after %d s of its own warm-up; "
        "with several sessions p50 is the median of the sessions' and p99/p99.9 the worst session's)."
        % (env["seconds_per_run"], MCS_WARMUP),
        "",
        pct or "Not measured.",
        "",
        "### Digests, sessions and MC/S",
        "",
        digests_text(runs),
        "",
        mcs_text(runs, med),
        "",
        "### COMPARE AND WRITE, UNMAP, WRITE SAME and EXTENDED COPY",
        "",
        sbc_text(runs, med) or "Not run.",
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
    ap.add_argument("--quick", action="store_true",
                    help="one repetition of 3 s per run, 2 s warm-up of the first 4 workloads (smoke run)")
    ap.add_argument("--time", type=int, default=8, help="seconds per run (default 8)")
    ap.add_argument("--reps", type=int, default=3, help="repetitions; medians are reported (default 3)")
    ap.add_argument("--warmup", type=int, default=2,
                    help="unmeasured seconds of every workload on every target first (default 2; 0: none)")
    ap.add_argument("--only", metavar="REGEX",
                    help="only the workloads whose name this finds (e.g. 'sessions'); implies --no-docs")
    ap.add_argument("--no-docs", action="store_true", help="print only; leave docs/ as it is")
    ap.add_argument("--lun-dir", metavar="DIR", default="/dev/shm",
                    help="where the LUN files go (default /dev/shm, tmpfs). On a file system other than "
                         "tmpfs or ramfs they are written in full and synced first, then read and written "
                         "through its page cache while RAM holds them, and --no-docs is implied "
                         "(docs/benchmarks.md is the tmpfs run)")
    ap.add_argument("--no-charts", action="store_true", help="no PNG charts (no matplotlib needed)")
    args = ap.parse_args()
    if args.quick:
        args.time, args.reps, args.warmup = 3, 1, 2
    if args.time < 1 or args.reps < 1 or args.warmup < 0:
        ap.error("--time and --reps must be at least 1, --warmup at least 0")
    if args.only is not None:
        try:
            if not selected(args.quick, args.only):
                ap.error("--only %r matches no workload%s" % (args.only, " of --quick" if args.quick else ""))
        except re.error as e:
            ap.error("--only %r: %s" % (args.only, e))
        args.no_docs = True
    args.lun_dir = os.path.abspath(args.lun_dir)
    why = check_lun_dir(args.lun_dir)
    if why:
        sys.exit("bench: " + why)
    args.lun_fs = fs_type(args.lun_dir)
    if args.lun_fs not in MEMORY_FS and not args.no_docs:
        log("LUN files on %s (%s), not tmpfs or ramfs: printing only, docs/ stays the tmpfs run"
            % (args.lun_dir, args.lun_fs))
        args.no_docs = True
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    b = Bench(args)
    try:
        b.install_packages()
        b.build_mcs_jar()
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
