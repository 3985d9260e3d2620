-- SPDX-License-Identifier: GPL-2.0-only
-- caprec.sql - the SQLite schema capanalyze loads recordings into.
-- Every table and column is described in schemas/SCHEMA.md (a test checks they agree).
-- Times are CLOCK_BOOTTIME nanoseconds of the recording host unless a name says "wall"
-- (CLOCK_REALTIME ns since the Unix epoch). Booleans are 0/1.
-- Indexes are in caprec_indexes.sql: created after a bulk load, not before.

PRAGMA user_version = 7;
-- "capr": tells a capanalyze database from any other SQLite file (capanalyze(1)).
PRAGMA application_id = 1667330162;

CREATE TABLE recordings (
	id INTEGER PRIMARY KEY,
	path TEXT NOT NULL,
	file_size INTEGER,
	file_mtime_ns INTEGER,
	format_major INTEGER NOT NULL,
	format_minor INTEGER NOT NULL,
	hostname TEXT,
	kernel_release TEXT,
	boot_id TEXT,
	attach_mode TEXT,
	audit_source TEXT,
	recorder_version TEXT,
	recorder_options TEXT,
	wall_offset_ns INTEGER,
	first_ns INTEGER,
	last_ns INTEGER,
	first_wall_ns INTEGER,
	last_wall_ns INTEGER,
	events INTEGER NOT NULL DEFAULT 0,
	lost INTEGER NOT NULL DEFAULT 0,
	clean_end INTEGER NOT NULL DEFAULT 0,
	loaded_at_wall_ns INTEGER NOT NULL,
	machine TEXT
);

CREATE TABLE metadata (
	recording_id INTEGER NOT NULL REFERENCES recordings(id),
	key TEXT NOT NULL,
	value TEXT,
	PRIMARY KEY (recording_id, key)
);

CREATE TABLE cap_names (
	cap INTEGER PRIMARY KEY,
	name TEXT NOT NULL
);

-- Each recording's own capability table: two recordings from different kernels may name
-- a number differently, and neither may rename the other's.
CREATE TABLE recording_cap_names (
	recording_id INTEGER NOT NULL REFERENCES recordings(id),
	cap INTEGER NOT NULL,
	name TEXT NOT NULL,
	PRIMARY KEY (recording_id, cap)
) WITHOUT ROWID;

CREATE TABLE binaries (
	id INTEGER PRIMARY KEY,
	path TEXT NOT NULL,
	build_id TEXT NOT NULL DEFAULT '',
	UNIQUE (path, build_id)
);

CREATE TABLE processes (
	id INTEGER PRIMARY KEY,
	recording_id INTEGER NOT NULL REFERENCES recordings(id),
	pid INTEGER NOT NULL,
	start_ns INTEGER NOT NULL,
	ppid INTEGER,
	parent_id INTEGER REFERENCES processes(id),
	binary_id INTEGER REFERENCES binaries(id),
	exe_path TEXT,
	cmdline TEXT,
	comm TEXT,
	uid INTEGER,
	cgroup_id INTEGER,
	cgroup_path TEXT,
	container_id TEXT,
	exe_path_used TEXT,
	exited INTEGER NOT NULL DEFAULT 0,
	exit_status INTEGER,
	exit_ns INTEGER,
	events INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE frames (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('kernel', 'user')),
	module TEXT,
	binary_id INTEGER REFERENCES binaries(id),
	symbol TEXT,
	symbol_offset INTEGER,
	file_offset INTEGER,
	name TEXT NOT NULL
);

CREATE TABLE callsites (
	id INTEGER PRIMARY KEY,
	parent_id INTEGER REFERENCES callsites(id),
	frame_id INTEGER NOT NULL REFERENCES frames(id),
	depth INTEGER NOT NULL
);

CREATE TABLE stacks (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('kernel', 'user')),
	leaf_callsite_id INTEGER REFERENCES callsites(id),
	depth INTEGER NOT NULL,
	text TEXT NOT NULL
);

CREATE TABLE stack_frames (
	stack_id INTEGER NOT NULL REFERENCES stacks(id),
	position INTEGER NOT NULL,
	frame_id INTEGER NOT NULL REFERENCES frames(id),
	PRIMARY KEY (stack_id, position)
) WITHOUT ROWID;

-- What a process's checks share and seldom change: one row per distinct
-- combination in a recording, so that events rows hold only what differs
-- from check to check.
CREATE TABLE event_contexts (
	id INTEGER PRIMARY KEY,
	recording_id INTEGER NOT NULL REFERENCES recordings(id),
	process_id INTEGER REFERENCES processes(id),
	uid INTEGER NOT NULL,
	cgroup_id INTEGER NOT NULL,
	userns_inum INTEGER NOT NULL,
	userns_level INTEGER NOT NULL,
	audit_inferred INTEGER NOT NULL,
	comm TEXT,
	euid INTEGER,
	fsuid INTEGER,
	cap_effective INTEGER
);

-- A thread's credentials from one of its checks on (a credential epoch).
CREATE TABLE credentials (
	recording_id INTEGER NOT NULL REFERENCES recordings(id),
	process_id INTEGER REFERENCES processes(id),
	tid INTEGER NOT NULL,
	first_idx INTEGER NOT NULL,
	uid INTEGER NOT NULL,
	euid INTEGER NOT NULL,
	suid INTEGER NOT NULL,
	fsuid INTEGER NOT NULL,
	gid INTEGER NOT NULL,
	egid INTEGER NOT NULL,
	fsgid INTEGER NOT NULL,
	cap_effective INTEGER NOT NULL,
	cap_permitted INTEGER NOT NULL
);

-- The return of a syscall during which a thread made checks first_idx..last_idx.
CREATE TABLE syscall_returns (
	recording_id INTEGER NOT NULL REFERENCES recordings(id),
	process_id INTEGER REFERENCES processes(id),
	tid INTEGER NOT NULL,
	first_idx INTEGER NOT NULL,
	last_idx INTEGER NOT NULL,
	syscall_nr INTEGER NOT NULL,
	ret INTEGER NOT NULL,
	time_ns INTEGER NOT NULL
);

-- The one table with a row per check, kept narrow: every column costs the
-- load time per row. No NOT NULL checks (the loader is its only writer; each
-- was an instruction per row). v_events shows it whole.
CREATE TABLE events (
	id INTEGER PRIMARY KEY,
	context_id INTEGER REFERENCES event_contexts(id),
	idx INTEGER,
	time_ns INTEGER,
	tid INTEGER,
	cap INTEGER,
	audit INTEGER,
	insetid INTEGER,
	ret INTEGER,
	final_ret INTEGER,
	syscall_nr INTEGER,
	kernel_stack_id INTEGER REFERENCES stacks(id),
	user_stack_id INTEGER REFERENCES stacks(id)
);

CREATE TABLE check_aggregate (
	recording_id INTEGER NOT NULL REFERENCES recordings(id),
	binary_id INTEGER REFERENCES binaries(id),
	exe_path TEXT NOT NULL,
	cap INTEGER NOT NULL,
	audit INTEGER NOT NULL,
	verdict TEXT NOT NULL CHECK (verdict IN ('granted', 'denied')),
	syscall_nr INTEGER NOT NULL,
	kernel_stack_id INTEGER REFERENCES stacks(id),
	user_stack_id INTEGER REFERENCES stacks(id),
	count INTEGER NOT NULL,
	processes INTEGER NOT NULL,
	first_ns INTEGER NOT NULL,
	last_ns INTEGER NOT NULL
);

-- check_aggregate's groups split by what policy and check classify and group on.
CREATE TABLE policy_aggregate (
	recording_id INTEGER NOT NULL REFERENCES recordings(id),
	binary_id INTEGER REFERENCES binaries(id),
	exe_path TEXT NOT NULL,
	cap INTEGER NOT NULL,
	audit INTEGER NOT NULL,
	verdict TEXT NOT NULL CHECK (verdict IN ('granted', 'denied')),
	syscall_nr INTEGER NOT NULL,
	kernel_stack_id INTEGER REFERENCES stacks(id),
	user_stack_id INTEGER REFERENCES stacks(id),
	pre_exec INTEGER NOT NULL,
	cgroup_id INTEGER NOT NULL,
	cgroup_path TEXT,
	container_id TEXT,
	count INTEGER NOT NULL,
	processes INTEGER NOT NULL
);

CREATE TABLE losses (
	recording_id INTEGER NOT NULL REFERENCES recordings(id),
	time_ns INTEGER NOT NULL,
	lost INTEGER NOT NULL,
	events_before INTEGER NOT NULL,
	file_offset INTEGER NOT NULL,
	process_records INTEGER NOT NULL DEFAULT 0,
	stacks INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE import_stats (
	recording_id INTEGER PRIMARY KEY REFERENCES recordings(id),
	file_bytes INTEGER NOT NULL,
	blocks_read INTEGER NOT NULL,
	blocks_unknown INTEGER NOT NULL,
	blocks_skipped INTEGER NOT NULL,
	bytes_skipped INTEGER NOT NULL,
	truncated INTEGER NOT NULL,
	truncated_at INTEGER,
	events INTEGER NOT NULL,
	lost INTEGER NOT NULL,
	unresolved_refs INTEGER NOT NULL,
	end_events INTEGER,
	end_lost INTEGER
);

CREATE TABLE import_blocks (
	recording_id INTEGER NOT NULL REFERENCES recordings(id),
	block_type INTEGER NOT NULL,
	name TEXT NOT NULL,
	count INTEGER NOT NULL,
	PRIMARY KEY (recording_id, block_type)
);

CREATE TABLE import_damage (
	recording_id INTEGER NOT NULL REFERENCES recordings(id),
	file_offset INTEGER NOT NULL,
	length INTEGER NOT NULL,
	error TEXT NOT NULL,
	detail TEXT
);

-- The names this schema knows (numbers are kernel ABI). A recording's own names are in
-- recording_cap_names and take precedence for its events; loads never change this table.
INSERT INTO cap_names (cap, name) VALUES
	(0, 'CAP_CHOWN'), (1, 'CAP_DAC_OVERRIDE'), (2, 'CAP_DAC_READ_SEARCH'),
	(3, 'CAP_FOWNER'), (4, 'CAP_FSETID'), (5, 'CAP_KILL'), (6, 'CAP_SETGID'),
	(7, 'CAP_SETUID'), (8, 'CAP_SETPCAP'), (9, 'CAP_LINUX_IMMUTABLE'),
	(10, 'CAP_NET_BIND_SERVICE'), (11, 'CAP_NET_BROADCAST'), (12, 'CAP_NET_ADMIN'),
	(13, 'CAP_NET_RAW'), (14, 'CAP_IPC_LOCK'), (15, 'CAP_IPC_OWNER'),
	(16, 'CAP_SYS_MODULE'), (17, 'CAP_SYS_RAWIO'), (18, 'CAP_SYS_CHROOT'),
	(19, 'CAP_SYS_PTRACE'), (20, 'CAP_SYS_PACCT'), (21, 'CAP_SYS_ADMIN'),
	(22, 'CAP_SYS_BOOT'), (23, 'CAP_SYS_NICE'), (24, 'CAP_SYS_RESOURCE'),
	(25, 'CAP_SYS_TIME'), (26, 'CAP_SYS_TTY_CONFIG'), (27, 'CAP_MKNOD'),
	(28, 'CAP_LEASE'), (29, 'CAP_AUDIT_WRITE'), (30, 'CAP_AUDIT_CONTROL'),
	(31, 'CAP_SETFCAP'), (32, 'CAP_MAC_OVERRIDE'), (33, 'CAP_MAC_ADMIN'),
	(34, 'CAP_SYSLOG'), (35, 'CAP_WAKE_ALARM'), (36, 'CAP_BLOCK_SUSPEND'),
	(37, 'CAP_AUDIT_READ'), (38, 'CAP_PERFMON'), (39, 'CAP_BPF'),
	(40, 'CAP_CHECKPOINT_RESTORE');

-- Events with names resolved: the first place to look.
CREATE VIEW v_events AS
SELECT e.id, c.recording_id, r.hostname, e.idx, e.time_ns,
       e.time_ns + r.wall_offset_ns AS wall_ns,
       coalesce(p.pid, 0) AS pid, e.tid, c.uid, c.comm, p.exe_path, e.cap,
       coalesce(rn.name, n.name, 'cap_' || e.cap) AS cap_name,
       e.audit, c.audit_inferred, e.insetid,
       CASE WHEN coalesce(e.final_ret, e.ret) = 0 THEN 'granted' ELSE 'denied' END AS verdict,
       e.ret, e.final_ret, e.syscall_nr, c.cgroup_id, p.cgroup_path, p.container_id,
       c.userns_inum, c.userns_level, c.process_id,
       e.kernel_stack_id, ks.text AS kernel_stack, e.user_stack_id, us.text AS user_stack,
       p.exe_path_used, c.euid, c.fsuid, c.cap_effective,
       (c.cap_effective >> e.cap) & 1 AS cap_in_effective,
       (SELECT s.ret FROM syscall_returns s
        WHERE s.recording_id = c.recording_id AND s.tid = e.tid
          AND e.idx BETWEEN s.first_idx AND s.last_idx) AS syscall_ret
FROM events e
JOIN event_contexts c ON c.id = e.context_id
JOIN recordings r ON r.id = c.recording_id
LEFT JOIN processes p ON p.id = c.process_id
LEFT JOIN recording_cap_names rn ON rn.recording_id = c.recording_id AND rn.cap = e.cap
LEFT JOIN cap_names n ON n.cap = e.cap
LEFT JOIN stacks ks ON ks.id = e.kernel_stack_id
LEFT JOIN stacks us ON us.id = e.user_stack_id;

-- The aggregate with names resolved: what reports group on.
CREATE VIEW v_checks AS
SELECT a.recording_id, r.hostname, a.exe_path, b.build_id, a.cap,
       coalesce(rn.name, c.name, 'cap_' || a.cap) AS cap_name, a.audit, a.verdict, a.syscall_nr,
       a.kernel_stack_id, ks.text AS kernel_stack, a.user_stack_id, us.text AS user_stack,
       a.count, a.processes, a.first_ns, a.last_ns,
       a.first_ns + r.wall_offset_ns AS first_wall_ns,
       a.last_ns + r.wall_offset_ns AS last_wall_ns
FROM check_aggregate a
JOIN recordings r ON r.id = a.recording_id
LEFT JOIN binaries b ON b.id = a.binary_id
LEFT JOIN recording_cap_names rn ON rn.recording_id = a.recording_id AND rn.cap = a.cap
LEFT JOIN cap_names c ON c.cap = a.cap
LEFT JOIN stacks ks ON ks.id = a.kernel_stack_id
LEFT JOIN stacks us ON us.id = a.user_stack_id;
