import protobuf from 'protobufjs';

// Stasis's own schemas for CRIU's image entries, written from CRIU's published field numbers. Every field is
// optional on purpose: a corrupt or newer image should decode to "field absent", never abort the whole read.
// Fields Stasis does not show (register sets, FPU state, timers' internals) are left out, but their numbers are listed
// as `reserved`: the unknown-field check (unknownFieldsOf) then flags only numbers CRIU added after these schemas.
const PROTO = `
syntax = "proto2";

enum fd_types { UND = 0; REG = 1; PIPE = 2; FIFO = 3; INETSK = 4; UNIXSK = 5; EVENTFD = 6; EVENTPOLL = 7;
  INOTIFY = 8; SIGNALFD = 9; PACKETSK = 10; TTY = 11; FANOTIFY = 12; NETLINKSK = 13; NS = 14; TUNF = 15; EXT = 16;
  TIMERFD = 17; MEMFD = 18; BPFMAP = 19; PIDFD = 20; CTL_TTY = 65534; AUTOFS_PIPE = 65535; }
enum seccomp_mode { disabled = 0; strict = 1; filter = 2; }
enum sk_shutdown { NONE = 0; READ = 1; WRITE = 2; BOTH = 3; }
enum remap_type { LINKED = 0; GHOST = 1; PROCFS = 2; }
enum TtyType { UNKNOWN = 0; PTY = 1; CONSOLE = 2; VT = 3; CTTY = 4; EXT_TTY = 5; SERIAL = 6; }
enum nd_type { LOOPBACK = 1; VETH = 2; TUN = 3; EXTLINK = 4; VENET = 5; BRIDGE = 6; }
enum mark_type { INODE = 1; MOUNT = 2; }
enum lsmtype { NO_LSM = 0; SELINUX = 1; APPARMOR = 2; }
enum march { UNKNOWN_ARCH = 0; X86_64 = 1; ARM = 2; AARCH64 = 3; PPC64 = 4; S390 = 5; MIPS = 6; LOONGARCH64 = 7; RISCV64 = 8; }

message fown_entry { optional uint32 uid = 1; optional uint32 euid = 2; optional uint32 signum = 3;
  optional uint32 pid_type = 4; optional uint32 pid = 5; }
message sk_opts_entry { optional uint32 so_sndbuf = 1; optional uint32 so_rcvbuf = 2; optional bool reuseaddr = 7;
  optional bool so_passcred = 11; optional string so_bound_dev = 15; optional bool so_keepalive = 19;
  reserved 3 to 6, 8 to 10, 12 to 14, 16 to 18, 20 to 25; }
message rlimit_entry { optional uint64 cur = 1; optional uint64 max = 2; }
message task_rlimits_entry { repeated rlimit_entry rlimits = 1; }
message sa_entry { optional uint64 sigaction = 1; optional uint64 flags = 2; optional uint64 restorer = 3;
  optional uint64 mask = 4; optional bool compat_sigaction = 5; reserved 6; }
message creds_entry { optional uint32 uid = 1; optional uint32 gid = 2; optional uint32 euid = 3; optional uint32 egid = 4;
  optional uint32 suid = 5; optional uint32 sgid = 6; optional uint32 fsuid = 7; optional uint32 fsgid = 8;
  repeated uint32 cap_inh = 9; repeated uint32 cap_prm = 10; repeated uint32 cap_eff = 11; repeated uint32 cap_bnd = 12;
  optional uint32 secbits = 13; repeated uint32 groups = 14; optional string lsm_profile = 15; optional string lsm_sockcreate = 16;
  reserved 17 to 19; }

message task_core_entry { optional uint32 task_state = 1; optional uint32 exit_code = 2; optional uint32 personality = 3;
  optional uint32 flags = 4; optional uint64 blk_sigset = 5; optional string comm = 6; optional task_rlimits_entry rlimits = 8;
  optional uint32 cg_set = 9; optional seccomp_mode old_seccomp_mode = 11; optional uint32 old_seccomp_filter = 12;
  optional uint32 loginuid = 13; optional int32 oom_score_adj = 14; repeated sa_entry sigactions = 15;
  optional bool child_subreaper = 18; optional uint32 stop_signo = 21; optional task_timers_entry timers = 7;
  optional signal_queue_entry signals_s = 10; reserved 20, 22; }
message task_timers_entry { optional itimer_entry real = 1; optional itimer_entry virt = 2; optional itimer_entry prof = 3;
  repeated posix_timer_entry posix = 4; }
message siginfo_entry { optional bytes siginfo = 1; }
message signal_queue_entry { repeated siginfo_entry signals = 1; }
message task_kobj_ids_entry { optional uint32 vm_id = 1; optional uint32 files_id = 2; optional uint32 fs_id = 3;
  optional uint32 sighand_id = 4; optional uint32 pid_ns_id = 5; optional uint32 net_ns_id = 6; optional uint32 ipc_ns_id = 7;
  optional uint32 uts_ns_id = 8; optional uint32 mnt_ns_id = 9; optional uint32 user_ns_id = 10; optional uint32 cgroup_ns_id = 11;
  optional uint32 time_ns_id = 12; }
message thread_core_entry { optional uint64 futex_rla = 1; optional uint32 futex_rla_len = 2; optional sint32 sched_nice = 3;
  optional uint32 sched_policy = 4; optional uint32 sched_prio = 5; optional uint64 blk_sigset = 6; optional uint32 pdeath_sig = 8;
  optional creds_entry creds = 10; optional seccomp_mode seccomp_mode = 11; optional uint32 seccomp_filter = 12;
  optional string comm = 13; optional uint32 cg_set = 16; optional signal_queue_entry signals_p = 9; reserved 7, 14, 15; }
message core_entry { optional march mtype = 1; optional task_core_entry tc = 3; optional task_kobj_ids_entry ids = 4;
  optional thread_core_entry thread_core = 5; reserved 2, 6 to 13; }

message inventory_entry { optional uint32 img_version = 1; optional bool fdinfo_per_id = 2; optional task_kobj_ids_entry root_ids = 3;
  optional bool ns_per_id = 4; optional uint32 root_cg_set = 5; optional lsmtype lsmtype = 6; optional uint64 dump_uptime = 8;
  optional uint32 pre_dump_mode = 9; optional bool tcp_close = 10; optional uint32 network_lock_method = 11;
  optional string dump_criu_run_id = 13; reserved 12; }
message pstree_entry { optional uint32 pid = 1; optional uint32 ppid = 2; optional uint32 pgid = 3; optional uint32 sid = 4;
  repeated uint32 threads = 5; }
message fs_entry { optional uint32 cwd_id = 1; optional uint32 root_id = 2; optional uint32 umask = 3; }
message fdinfo_entry { optional uint32 id = 1; optional uint32 flags = 2; optional fd_types type = 3; optional uint32 fd = 4;
  optional string xattr_security_selinux = 5; }

message reg_file_entry { optional uint32 id = 1; optional uint32 flags = 2; optional uint64 pos = 3; optional fown_entry fown = 5;
  optional string name = 6; optional sint32 mnt_id = 7; optional uint64 size = 8; optional bool ext = 9; optional uint32 mode = 10;
  reserved 11 to 14; }
message inet_sk_entry { optional uint32 id = 1; optional uint32 ino = 2; optional uint32 family = 3; optional uint32 type = 4;
  optional uint32 proto = 5; optional uint32 state = 6; optional uint32 src_port = 7; optional uint32 dst_port = 8;
  optional uint32 flags = 9; optional uint32 backlog = 10; repeated uint32 src_addr = 11; repeated uint32 dst_addr = 12;
  optional fown_entry fown = 13; optional sk_opts_entry opts = 14; optional bool v6only = 15; optional string ifname = 17;
  optional uint32 ns_id = 18; reserved 16, 19, 20; }
message ns_file_entry { optional uint32 id = 1; optional uint32 ns_id = 2; optional uint32 ns_cflag = 3; optional uint32 flags = 4; }
message packet_sock_entry { optional uint32 id = 1; optional uint32 type = 2; optional uint32 protocol = 3; optional uint32 flags = 4;
  optional uint32 ifindex = 5; optional fown_entry fown = 6; optional sk_opts_entry opts = 7; optional uint32 version = 8;
  reserved 9 to 20; }
message netlink_sk_entry { optional uint32 id = 1; optional uint32 ino = 2; optional uint32 protocol = 3; optional uint32 state = 4;
  optional uint32 flags = 6; optional uint32 portid = 7; repeated uint32 groups = 8; optional uint32 dst_portid = 9;
  optional uint32 dst_group = 10; optional fown_entry fown = 11; optional sk_opts_entry opts = 12; optional uint32 ns_id = 13; }
message eventfd_file_entry { optional uint32 id = 1; optional uint32 flags = 2; optional fown_entry fown = 3; optional uint64 counter = 4; }
message eventpoll_tfd_entry { optional uint32 id = 1; optional uint32 tfd = 2; optional uint32 events = 3; optional uint64 data = 4;
  optional uint32 dev = 5; optional uint64 inode = 6; optional uint64 pos = 7; }
message eventpoll_file_entry { optional uint32 id = 1; optional uint32 flags = 2; optional fown_entry fown = 3;
  repeated eventpoll_tfd_entry tfd = 4; }
message signalfd_entry { optional uint32 id = 1; optional uint32 flags = 2; optional fown_entry fown = 3; optional uint64 sigmask = 4; }
message tunfile_entry { optional uint32 id = 1; optional string netdev = 2; optional bool detached = 3; reserved 4; }
message timerfd_entry { optional uint32 id = 1; optional uint32 flags = 2; optional fown_entry fown = 3; optional uint32 clockid = 4;
  optional uint64 ticks = 5; optional uint32 settime_flags = 6; optional uint64 vsec = 7; optional uint64 vnsec = 8;
  optional uint64 isec = 9; optional uint64 insec = 10; }
message fh_entry { optional uint32 bytes = 1; optional uint32 type = 2; repeated uint64 handle = 3; optional string path = 4;
  optional uint32 mnt_id = 5; }
message inotify_wd_entry { optional uint32 id = 1; optional uint64 i_ino = 2; optional uint32 mask = 3; optional uint32 ignored_mask = 4;
  optional uint32 s_dev = 5; optional uint32 wd = 6; optional fh_entry f_handle = 7; }
message inotify_file_entry { optional uint32 id = 1; optional uint32 flags = 2; optional fown_entry fown = 4; repeated inotify_wd_entry wd = 5; }
message fanotify_inode_mark_entry { optional uint64 i_ino = 1; optional fh_entry f_handle = 2; }
message fanotify_mount_mark_entry { optional uint32 mnt_id = 1; optional string path = 2; }
message fanotify_mark_entry { optional uint32 id = 1; optional mark_type type = 2; optional uint32 mflags = 3; optional uint32 mask = 4;
  optional uint32 ignored_mask = 5; optional uint32 s_dev = 6; optional fanotify_inode_mark_entry ie = 7;
  optional fanotify_mount_mark_entry me = 8; }
message fanotify_file_entry { optional uint32 id = 1; optional uint32 flags = 2; optional fown_entry fown = 3; optional uint32 faflags = 4;
  optional uint32 evflags = 5; repeated fanotify_mark_entry mark = 6; }
message ext_file_entry { optional uint32 id = 1; optional fown_entry fown = 5; }
message unix_sk_entry { optional uint32 id = 1; optional uint32 ino = 2; optional uint32 type = 3; optional uint32 state = 4;
  optional uint32 flags = 5; optional uint32 uflags = 6; optional uint32 backlog = 7; optional uint32 peer = 8;
  optional fown_entry fown = 9; optional sk_opts_entry opts = 10; optional bytes name = 11; optional sk_shutdown shutdown = 12;
  optional string name_dir = 14; optional bool deleted = 15; optional uint32 ns_id = 16; optional sint32 mnt_id = 17; reserved 13; }
message fifo_entry { optional uint32 id = 1; optional uint32 pipe_id = 2; optional uint32 regf_id = 3; }
message pipe_entry { optional uint32 id = 1; optional uint32 pipe_id = 2; optional uint32 flags = 3; optional fown_entry fown = 4; }
message tty_file_entry { optional uint32 id = 1; optional uint32 tty_info_id = 2; optional uint32 flags = 3; optional fown_entry fown = 4;
  reserved 6; }
message memfd_file_entry { optional uint32 id = 1; optional uint32 flags = 2; optional uint64 pos = 3; optional fown_entry fown = 4;
  optional uint32 inode_id = 5; }
message bpfmap_file_entry { optional uint32 id = 1; optional uint32 flags = 2; optional uint64 pos = 3; optional fown_entry fown = 5;
  optional uint32 map_type = 6; optional uint32 key_size = 7; optional uint32 value_size = 8; optional uint32 map_id = 9;
  optional uint32 max_entries = 10; optional sint32 mnt_id = 11; optional uint64 map_flags = 12; optional uint64 memlock = 13;
  optional bool frozen = 14; reserved 4, 15, 16; }
message pidfd_entry { optional uint32 id = 1; optional uint32 ino = 2; optional uint32 flags = 3; optional int32 nspid = 4;
  optional fown_entry fown = 5; }
message file_entry { optional fd_types type = 1; optional uint32 id = 2; optional reg_file_entry reg = 3; optional inet_sk_entry isk = 4;
  optional ns_file_entry nsf = 5; optional packet_sock_entry psk = 6; optional netlink_sk_entry nlsk = 7;
  optional eventfd_file_entry efd = 8; optional eventpoll_file_entry epfd = 9; optional signalfd_entry sgfd = 10;
  optional tunfile_entry tunf = 11; optional timerfd_entry tfd = 12; optional inotify_file_entry ify = 13;
  optional fanotify_file_entry ffy = 14; optional ext_file_entry ext = 15; optional unix_sk_entry usk = 16;
  optional fifo_entry fifo = 17; optional pipe_entry pipe = 18; optional tty_file_entry tty = 19;
  optional memfd_file_entry memfd = 20; optional bpfmap_file_entry bpf = 21; optional pidfd_entry pidfd = 22; }

message vma_entry { optional uint64 start = 1; optional uint64 end = 2; optional uint64 pgoff = 3; optional uint64 shmid = 4;
  optional uint32 prot = 5; optional uint32 flags = 6; optional uint32 status = 7; optional sint64 fd = 8; optional uint64 madv = 9;
  optional uint32 fdflags = 10; }
message aio_ring_entry { optional uint64 id = 1; optional uint32 nr_req = 2; optional uint32 ring_len = 3; }
message mm_entry { optional uint64 mm_start_code = 1; optional uint64 mm_end_code = 2; optional uint64 mm_start_data = 3;
  optional uint64 mm_end_data = 4; optional uint64 mm_start_stack = 5; optional uint64 mm_start_brk = 6; optional uint64 mm_brk = 7;
  optional uint64 mm_arg_start = 8; optional uint64 mm_arg_end = 9; optional uint64 mm_env_start = 10; optional uint64 mm_env_end = 11;
  optional uint32 exe_file_id = 12; repeated uint64 mm_saved_auxv = 13; repeated vma_entry vmas = 14; optional int32 dumpable = 15;
  repeated aio_ring_entry aios = 16; optional bool thp_disabled = 17; }
message pagemap_head { optional uint32 pages_id = 1; }
message pagemap_entry { optional uint64 vaddr = 1; optional uint32 nr_pages = 2; optional bool in_parent = 3; optional uint32 flags = 4; }

message mnt_entry { optional uint32 fstype = 1; optional uint32 mnt_id = 2; optional uint32 root_dev = 3; optional uint32 parent_mnt_id = 4;
  optional uint32 flags = 5; optional string root = 6; optional string mountpoint = 7; optional string source = 8;
  optional string options = 9; optional uint32 shared_id = 10; optional uint32 master_id = 11; optional bool with_plugin = 12;
  optional bool ext_mount = 13; optional string fsname = 14; optional bool internal_sharing = 15; optional bool deleted = 16;
  optional uint32 sb_flags = 17; optional string ext_key = 18; }
message dump_stats_entry { optional uint32 freezing_time = 1; optional uint32 frozen_time = 2; optional uint32 memdump_time = 3;
  optional uint32 memwrite_time = 4; optional uint64 pages_scanned = 5; optional uint64 pages_skipped_parent = 6;
  optional uint64 pages_written = 7; optional uint32 irmap_resolve = 8; optional uint64 pages_lazy = 9; optional uint64 page_pipes = 10;
  optional uint64 page_pipe_bufs = 11; optional uint64 shpages_scanned = 12; optional uint64 shpages_skipped_parent = 13;
  optional uint64 shpages_written = 14; }
message restore_stats_entry { optional uint64 pages_compared = 1; optional uint64 pages_skipped_cow = 2; optional uint32 forking_time = 3;
  optional uint32 restore_time = 4; optional uint64 pages_restored = 5; }
message stats_entry { optional dump_stats_entry dump = 1; optional restore_stats_entry restore = 2; }

message timeval { optional uint64 tv_sec = 1; optional uint64 tv_usec = 2; }
message ghost_file_entry { optional uint32 uid = 1; optional uint32 gid = 2; optional uint32 mode = 3; optional uint32 dev = 4;
  optional uint64 ino = 5; optional uint32 rdev = 6; optional timeval atim = 7; optional timeval mtim = 8; optional bool chunks = 9;
  optional uint64 size = 10; optional string symlnk_target = 11; }
message ghost_chunk_entry { optional uint64 len = 1; optional uint64 off = 2; }
message remap_file_path_entry { optional uint32 orig_id = 1; optional uint32 remap_id = 2; optional remap_type remap_type = 3; }
message pipe_data_entry { optional uint32 pipe_id = 1; optional uint32 bytes = 2; optional uint32 size = 3; }
message scm_entry { optional uint32 type = 1; repeated uint32 rights = 2; }
message sk_ucred_entry { optional uint32 uid = 1; optional uint32 gid = 2; optional uint32 pid = 3; }
message sk_packet_entry { optional uint32 id_for = 1; optional uint32 length = 2; repeated scm_entry scm = 4; optional sk_ucred_entry ucred = 128; }
message tcp_stream_entry { optional uint32 inq_len = 1; optional uint32 inq_seq = 2; optional uint32 outq_len = 3; optional uint32 outq_seq = 4;
  optional uint32 opt_mask = 5; optional uint32 snd_wscale = 6; optional uint32 mss_clamp = 7; optional uint32 rcv_wscale = 8;
  optional uint32 timestamp = 9; optional uint32 unsq_len = 12; reserved 10, 11, 13 to 17; }
message memfd_inode_entry { optional string name = 1; optional uint32 uid = 2; optional uint32 gid = 3; optional uint64 size = 4;
  optional uint32 shmid = 5; optional uint32 seals = 6; optional uint64 inode_id = 7; optional uint32 hugetlb_flag = 8; optional uint32 mode = 9; }
message winsize_entry { optional uint32 ws_row = 1; optional uint32 ws_col = 2; optional uint32 ws_xpixel = 3; optional uint32 ws_ypixel = 4; }
message tty_pty_entry { optional uint32 index = 1; }
message tty_info_entry { optional uint32 id = 1; optional TtyType type = 2; optional bool locked = 3; optional bool exclusive = 4;
  optional bool packet_mode = 5; optional uint32 sid = 6; optional uint32 pgrp = 7; optional uint32 rdev = 8;
  optional winsize_entry winsize = 11; optional tty_pty_entry pty = 12; optional uint32 dev = 13; reserved 9, 10, 14, 15; }
message tty_data_entry { optional uint32 tty_id = 1; optional bytes data = 2; }
message ns_entry_uid_gid_extent { optional uint32 first = 1; optional uint32 lower_first = 2; optional uint32 count = 3; }
message userns_entry { repeated ns_entry_uid_gid_extent uid_map = 1; repeated ns_entry_uid_gid_extent gid_map = 2; }
message utsns_entry { optional string nodename = 1; optional string domainname = 2; }
message timespec { optional uint64 tv_sec = 1; optional uint64 tv_nsec = 2; }
message timens_entry { optional timespec monotonic = 1; optional timespec boottime = 2; }
message pidns_entry { optional string ext_key = 1; }
message cgroup_perms { optional uint32 mode = 1; optional uint32 uid = 2; optional uint32 gid = 3; }
message cgroup_prop_entry { optional string name = 1; optional string value = 2; optional cgroup_perms perms = 3; }
message cgroup_dir_entry { optional string dir_name = 1; repeated cgroup_dir_entry children = 2; repeated cgroup_prop_entry properties = 3;
  optional cgroup_perms dir_perms = 4; }
message cg_controller_entry { repeated string cnames = 1; repeated cgroup_dir_entry dirs = 2; optional bool is_threaded = 3; }
message cg_member_entry { optional string name = 1; optional string path = 2; optional uint32 cgns_prefix = 3; }
message cg_set_entry { optional uint32 id = 1; repeated cg_member_entry ctls = 2; }
message cgroup_entry { repeated cg_set_entry sets = 1; repeated cg_controller_entry controllers = 2; }
message seccomp_filter { optional bytes filter = 1; optional uint32 prev = 2; optional uint32 flags = 3; }
message seccomp_entry { repeated seccomp_filter seccomp_filters = 1; }
message tun_link_entry { optional uint32 flags = 1; optional int32 owner = 2; optional int32 group = 3; optional uint32 vnethdr = 4;
  optional uint32 sndbuf = 5; }
message net_device_entry { optional nd_type type = 1; optional uint32 ifindex = 2; optional uint32 mtu = 3; optional uint32 flags = 4;
  optional string name = 5; optional tun_link_entry tun = 6; optional bytes address = 7; reserved 8 to 15; }
message netns_entry { repeated int32 def_conf = 1; repeated int32 all_conf = 2; reserved 3 to 10; }
message itimer_entry { optional uint64 isec = 1; optional uint64 iusec = 2; optional uint64 vsec = 3; optional uint64 vusec = 4; }
message posix_timer_entry { optional uint32 it_id = 1; optional uint32 clock_id = 2; optional uint32 si_signo = 3;
  optional uint32 it_sigev_notify = 4; optional uint64 sival_ptr = 5; optional uint32 overrun = 6; optional uint64 isec = 7;
  optional uint64 insec = 8; optional uint64 vsec = 9; optional uint64 vnsec = 10; optional int32 notify_thread_id = 11; }
message file_lock_entry { optional uint32 flag = 1; optional uint32 type = 2; optional int32 pid = 3; optional int32 fd = 4;
  optional int64 start = 5; optional int64 len = 6; }
message ipc_desc_entry { optional uint32 key = 1; optional uint32 uid = 2; optional uint32 gid = 3; optional uint32 cuid = 4;
  optional uint32 cgid = 5; optional uint32 mode = 6; optional uint32 id = 7; }
message ipc_var_entry { repeated uint32 sem_ctls = 1; optional uint32 msg_ctlmax = 2; optional uint32 msg_ctlmnb = 3;
  optional uint32 msg_ctlmni = 4; optional uint32 auto_msgmni = 5; optional uint64 shm_ctlmax = 6; optional uint64 shm_ctlall = 7;
  optional uint32 shm_ctlmni = 8; optional uint32 shm_rmid_forced = 9; optional uint32 mq_queues_max = 10; optional uint32 mq_msg_max = 11;
  optional uint32 mq_msgsize_max = 12; optional uint32 mq_msg_default = 13; optional uint32 mq_msgsize_default = 14;
  optional uint32 msg_next_id = 15; optional uint32 sem_next_id = 16; optional uint32 shm_next_id = 17; }
message ipc_shm_entry { optional ipc_desc_entry desc = 1; optional uint64 size = 2; optional bool in_pagemaps = 3; optional uint32 hugetlb_flag = 4; }
message ipc_sem_entry { optional ipc_desc_entry desc = 1; optional uint32 nsems = 2; }
message ipc_msg_entry { optional ipc_desc_entry desc = 1; optional uint32 qbytes = 2; optional uint32 qnum = 3; }
message ipc_msg { optional uint64 mtype = 1; optional uint32 msize = 2; }
message cpuinfo_x86_entry { enum vendor { UNKNOWN = 0; INTEL = 1; AMD = 2; } optional vendor vendor_id = 1; optional uint32 cpu_family = 2; optional uint32 model = 3;
  optional uint32 stepping = 4; optional uint32 capability_ver = 5; repeated uint32 capability = 6; optional string model_id = 7;
  optional uint64 xfeatures_mask = 8; optional uint32 xsave_size = 9; optional uint32 xsave_size_max = 10; }
message cpuinfo_ppc64_entry { enum endianness { BIGENDIAN = 0; LITTLEENDIAN = 1; } optional endianness endian = 1; repeated uint64 hwcap = 2; }
message cpuinfo_s390_entry { repeated uint64 hwcap = 2; }
message cpuinfo_entry { repeated cpuinfo_x86_entry x86_entry = 1; repeated cpuinfo_ppc64_entry ppc64_entry = 2;
  repeated cpuinfo_s390_entry s390_entry = 3; }
message autofs_entry { optional int32 fd = 1; optional int32 pgrp = 2; optional int32 timeout = 3; optional int32 minproto = 4;
  optional int32 maxproto = 5; optional int32 mode = 6; optional int32 uid = 7; optional int32 gid = 8; optional int32 read_fd = 9; }
message bpfmap_data_entry { optional uint32 map_id = 1; optional uint32 keys_bytes = 2; optional uint32 values_bytes = 3; optional uint32 count = 4; }
`;

// Parsed on first use: every `stasis` command loads this module, few of them decode images.
let root: protobuf.Root | undefined;

type LongLike = { low: number; high: number; unsigned: boolean; toString(radix?: number): string };

/**
 * 64-bit fields become decimal strings (TO_OBJECT). long.js converts by dividing digit groups in JS; BigInt does the
 * same exactly and natively, which matters for the ~100k such fields (sigaction masks, rlimits, VMA bounds) of a
 * checkpoint of hundreds of processes. protobufjs takes a replacement class through util.Long, its documented hook.
 */
function useDecimalLong(): void {
  const Base = protobuf.util.Long as unknown as (new (low: number, high: number, unsigned?: boolean) => LongLike) | undefined;
  if (!Base || Object.prototype.hasOwnProperty.call(Base, 'decimalStrings')) return;
  class DecimalLong extends Base {
    static readonly decimalStrings = true;
    override toString(radix?: number): string {
      if (radix !== undefined && radix !== 10) return super.toString(radix);
      const lo = this.low >>> 0;
      const hi = this.high >>> 0;
      const negative = !this.unsigned && hi >= 0x80000000;
      if (!negative && hi < 0x200000) return String(hi * 0x100000000 + lo);
      const bits = (BigInt(hi) << 32n) | BigInt(lo);
      return (negative ? BigInt.asIntN(64, bits) : bits).toString();
    }
  }
  (protobuf.util as { Long: unknown }).Long = DecimalLong;
  protobuf.configure();
}

export type MessageName =
  | 'inventory_entry' | 'core_entry' | 'task_kobj_ids_entry' | 'creds_entry' | 'utsns_entry' | 'timens_entry' | 'pidns_entry'
  | 'fs_entry' | 'ghost_file_entry' | 'ghost_chunk_entry' | 'mm_entry' | 'cgroup_entry' | 'tcp_stream_entry' | 'stats_entry'
  | 'pagemap_head' | 'pagemap_entry' | 'pstree_entry' | 'reg_file_entry' | 'ns_file_entry' | 'eventfd_file_entry'
  | 'eventpoll_file_entry' | 'eventpoll_tfd_entry' | 'signalfd_entry' | 'timerfd_entry' | 'inotify_file_entry' | 'inotify_wd_entry'
  | 'fanotify_file_entry' | 'fanotify_mark_entry' | 'vma_entry' | 'pipe_entry' | 'fifo_entry' | 'sa_entry' | 'netlink_sk_entry'
  | 'remap_file_path_entry' | 'mnt_entry' | 'tty_file_entry' | 'tty_info_entry' | 'tty_data_entry' | 'rlimit_entry'
  | 'tunfile_entry' | 'ext_file_entry' | 'file_lock_entry' | 'fdinfo_entry' | 'unix_sk_entry' | 'inet_sk_entry'
  | 'packet_sock_entry' | 'itimer_entry' | 'posix_timer_entry' | 'net_device_entry' | 'pipe_data_entry' | 'sk_packet_entry'
  | 'netns_entry' | 'userns_entry' | 'seccomp_entry' | 'file_entry' | 'memfd_file_entry' | 'memfd_inode_entry'
  | 'bpfmap_file_entry' | 'bpfmap_data_entry' | 'ipc_var_entry' | 'ipc_shm_entry' | 'ipc_sem_entry' | 'ipc_msg_entry' | 'ipc_msg'
  | 'cpuinfo_entry' | 'autofs_entry' | 'signal_queue_entry';

const cache = new Map<string, protobuf.Type>();

/** Fields a record carried that its schema neither declares nor reserves: numbers CRIU added after these schemas. */
export interface UnknownFields {
  /** The (possibly nested) message type that carried them, e.g. "task_core_entry". */
  message: string;
  fields: number[];
}

const UNKNOWN = Symbol('stasis.unknownFields');

/** Attaches the unknown fields found in a record to its plain-object form (as the reference decoder does). */
export function setUnknownFields(entry: object, unknown: UnknownFields[]): void {
  Object.defineProperty(entry, UNKNOWN, { value: unknown });
}

/** The unknown fields a decoded entry carried, if any (kept off the entry's enumerable keys, so JSON and crit comparisons ignore it). */
export function unknownFieldsOf(entry: object): UnknownFields[] | undefined {
  return (entry as { [UNKNOWN]?: UnknownFields[] })[UNKNOWN];
}

// protobufjs skips any field its schema lacks through Reader.skipType, and calls skipType for nothing else in a
// message without groups or maps. So the check rides on skips alone: a reader class that hooks skipType, and a stack
// of the message types being decoded (each type's decode pushes itself), so the hook knows whose field it skips.
// Most skips are CRIU fields Stasis reserves (register sets, socket options): the hook reads the tag back from the
// bytes just before the reader's position and drops reserved ones there, without walking the record again.
const decoding: protobuf.Type[] = [];
let noted: Map<string, Set<number>> | undefined;
let rescan = false;

const reservedIds = new WeakMap<protobuf.Type, Set<number>>();
/** A type's reserved field numbers (protobuf's `reserved A to B` is inclusive). */
export function reservedSet(type: protobuf.Type): Set<number> {
  let set = reservedIds.get(type);
  if (!set) {
    set = new Set();
    // `reserved A to B` is inclusive in protobuf; protobufjs's own isReservedId treats the end as exclusive.
    for (const r of type.reserved ?? []) if (typeof r !== 'string') for (let id = r[0]!; id <= r[1]!; id++) set.add(id);
    reservedIds.set(type, set);
  }
  return set;
}

function note(type: protobuf.Type, id: number): void {
  noted ??= new Map();
  const set = noted.get(type.name) ?? new Set<number>();
  set.add(id);
  noted.set(type.name, set);
}

/**
 * The tag ends just before `pos`; its earlier bytes (if any) have the high bit set. Where the byte before a one-byte
 * tag also has it (the tail of a fixed-width or length-delimited value), the tag's length is ambiguous: each reading
 * that fits the wire type is tried, and when they disagree the record is walked from its start instead.
 */
function onSkip(buf: Uint8Array, pos: number, wireType: number): void {
  const type = decoding[decoding.length - 1];
  if (!type) return;
  const reserved = reservedSet(type);
  let value = 0;
  let unknown = -1;
  let readings = 0;
  for (let len = 1; len <= 5 && pos - len >= 0; len++) {
    const b = buf[pos - len]!;
    if (len > 1 && b < 0x80) break;
    value = value * 128 + (b & 0x7f);
    if ((value & 7) !== wireType) continue;
    const id = Math.floor(value / 8);
    if (id === 0 || type.fieldsById[id]) continue; // a declared field is decoded, never skipped
    readings++;
    if (!reserved.has(id)) unknown = unknown === -1 ? id : -2;
  }
  if (unknown === -1) return;
  if (readings === 1 && unknown >= 0) note(type, unknown);
  else rescan = true;
}

type ReaderClass = new (buffer: Uint8Array) => protobuf.Reader;
const noting = new Map<ReaderClass, ReaderClass>();
function notingReader(bytes: Uint8Array): protobuf.Reader {
  const nodeBuffer = (protobuf.util as unknown as { Buffer?: { isBuffer(v: unknown): boolean } | null }).Buffer;
  // The same reader class protobufjs would pick (BufferReader decodes strings natively), with skipType hooked.
  const Base: ReaderClass = nodeBuffer?.isBuffer(bytes) ? protobuf.BufferReader : protobuf.Reader;
  let Noting = noting.get(Base);
  if (!Noting) {
    Noting = class extends Base {
      override skipType(wireType: number, depth?: number): protobuf.Reader {
        onSkip(this.buf, this.pos, wireType);
        return super.skipType(wireType, depth);
      }
    };
    noting.set(Base, Noting);
  }
  return new Noting(bytes);
}

/**
 * Gives every type a setup that generates only what reading needs — the decoder and the plain-object converter —
 * and only when the type is first used: protobufjs's own setup also generates an encoder, a verifier and a
 * fromObject for each type, and compiling those for every CRIU message was most of a short `stasis inspect`.
 * The decoder it installs keeps `decoding` current (protobufjs calls nested types' decode through the type too).
 */
function setUpForReading(ns: protobuf.NamespaceBase): void {
  for (const o of ns.nestedArray) {
    if (o instanceof protobuf.Type) o.setup = readingSetup;
    if (o instanceof protobuf.Namespace) setUpForReading(o);
  }
}

type DecodeFn = (r: protobuf.Reader | Uint8Array, l?: number, e?: number, n?: number) => protobuf.Message;

const fullSetup = protobuf.Type.prototype.setup;

function readingSetup(this: protobuf.Type): protobuf.Type {
  return setUpType(this);
}

function setUpType(t: protobuf.Type): protobuf.Type {
  const pre = precompiled?.types[t.fullName];
  // Before any field resolves: a field's resolve() asks its type for the constructor, which protobufjs would generate.
  if (pre) t.ctor = pre.ctor() as protobuf.Constructor<object>;
  const types = t.fieldsArray.map((f) => f.resolve().resolvedType);
  if (pre) {
    track(t, pre.decode(protobuf.Reader, types, protobuf.util) as DecodeFn);
    t.toObject = pre.toObject(types, protobuf.util) as protobuf.Type['toObject'];
  } else {
    track(t, protobuf.decoder(t)({ Reader: protobuf.Reader, types, util: protobuf.util }) as DecodeFn);
    t.toObject = protobuf.converter.toObject(t)({ types, util: protobuf.util }) as protobuf.Type['toObject'];
  }
  // Writing (tests build images with encode and fromObject) gets protobufjs's whole setup on first use.
  for (const method of ['encode', 'verify', 'fromObject'] as const) {
    (t as unknown as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]): unknown {
      fullSetup.call(t);
      track(t, t.decode as DecodeFn);
      return (t[method] as (...a: unknown[]) => unknown).apply(t, args);
    };
  }
  return t;
}

function track(t: protobuf.Type, decode: DecodeFn): void {
  // No try/finally: a decode that throws abandons the record, and the next record starts with an empty stack.
  t.decode = function tracked(r: protobuf.Reader | Uint8Array, l?: number, e?: number, n?: number): protobuf.Message {
    decoding.push(t);
    const m = decode.call(t, r, l, e, n);
    decoding.pop();
    return m;
  } as protobuf.Type['decode'];
}

function varint(bytes: Uint8Array, at: { pos: number }): number {
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    const b = bytes[at.pos++];
    if (b === undefined) throw new RangeError('truncated varint');
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return value;
  }
  // 64-bit varints: skip the high bytes, the value itself is not needed.
  while ((bytes[at.pos++] ?? 0) >= 0x80) if (at.pos > bytes.length) throw new RangeError('truncated varint');
  return value;
}

/** The slow path, for the rare ambiguous tag: walks a record against its schema, recursing into nested messages. */
function scanUnknown(type: protobuf.Type, bytes: Uint8Array, start: number, end: number): void {
  const at = { pos: start };
  while (at.pos < end) {
    const tag = varint(bytes, at);
    const id = Math.floor(tag / 8);
    const wire = tag & 7;
    const field = type.fieldsById[id];
    if (!field && !reservedSet(type).has(id)) note(type, id);
    if (wire === 0) varint(bytes, at);
    else if (wire === 1) at.pos += 8;
    else if (wire === 5) at.pos += 4;
    else if (wire === 2) {
      const len = varint(bytes, at);
      const nested = field?.resolvedType;
      if (nested instanceof protobuf.Type) scanUnknown(nested, bytes, at.pos, Math.min(end, at.pos + len));
      at.pos += len;
    } else return; // groups: CRIU never writes them; the decoder has already dealt with the bytes
  }
}

/**
 * A view of a type whose decode of a whole record (bytes, as the image reader passes) notes the fields the schema
 * does not know; the note rides on the decoded message and then on its plain-object form.
 */
function noteUnknownFields(t: protobuf.Type): protobuf.Type {
  // Set up before the view exists: protobufjs's lazy methods set up `this`, which would otherwise be the view.
  t.setup();
  const view = Object.create(t) as protobuf.Type;
  view.decode = (input: protobuf.Reader | Uint8Array, length?: number): protobuf.Message => {
    if (!(input instanceof Uint8Array)) return t.decode(input, length);
    noted = undefined;
    rescan = false;
    decoding.length = 0;
    const message = t.decode(notingReader(input));
    if (rescan) {
      noted = undefined;
      try {
        scanUnknown(t, input, 0, input.length);
      } catch {
        // The decoder accepted these bytes; a walk that disagrees keeps what it found so far.
      }
    }
    const found = noted as Map<string, Set<number>> | undefined; // set by note(), which TypeScript cannot follow
    if (found) {
      const list = [...found].map(([name, ids]) => ({ message: name, fields: [...ids].sort((a, b) => a - b) }));
      Object.defineProperty(message, UNKNOWN, { value: list });
    }
    return message;
  };
  view.toObject = (message: protobuf.Message, options?: protobuf.IConversionOptions): Record<string, unknown> => {
    const object = t.toObject(message, options);
    const unknown = (message as { [UNKNOWN]?: UnknownFields[] })[UNKNOWN];
    if (unknown) Object.defineProperty(object, UNKNOWN, { value: unknown });
    return object;
  };
  return view;
}

/** The schemas as protobufjs reflection, parsed from the text above. */
export function parseSchemas(): protobuf.Root {
  return protobuf.parse(PROTO, { keepCase: true }).root;
}

/** Names the schema text (FNV-1a), so code generated from one version is never used with another. */
export function schemaId(): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < PROTO.length; i++) h = Math.imul(h ^ PROTO.charCodeAt(i), 0x01000193) >>> 0;
  return `${PROTO.length}-${h.toString(16)}`;
}

type Factory = (...scope: unknown[]) => unknown;

/**
 * What protobufjs generates at run time for each type (constructor, decoder, plain-object converter), generated by
 * the build instead (scripts/precompile-schemas.mjs), with the reflection as JSON: a short `stasis inspect` spent
 * about a third of its time parsing the schema text and compiling generated code. Used when its id matches.
 */
export interface PrecompiledSchemas {
  id: string;
  descriptor: protobuf.INamespace;
  types: Record<string, { ctor: Factory; decode: Factory; toObject: Factory }>;
}

let precompiled: PrecompiledSchemas | undefined;

/** Takes the build's generated code; call before the first decode. */
export function usePrecompiledSchemas(p: PrecompiledSchemas): void {
  if (!root && !descriptor) precompiled = p;
}

let descriptor: protobuf.INamespace | undefined;

/**
 * The schemas as protobufjs's JSON descriptor, for the plain decoder (plain-decode.ts): the build's (the CLI hands it
 * over with usePrecompiledSchemas) when its id matches, so no reflection is built; else the schema text's, parsed.
 */
export function schemaDescriptor(): protobuf.INamespace {
  if (!descriptor) descriptor = precompiled?.id === schemaId() ? precompiled.descriptor : parseSchemas().toJSON();
  return descriptor;
}

/** The schemas' reflection (built on first use), for the reference decoder (messageType). */
export function schemaRoot(): protobuf.Root {
  if (!root) {
    useDecimalLong();
    const pre = precompiled?.id === schemaId() ? precompiled : undefined;
    if (!pre) precompiled = undefined;
    // Built from JSON, the types resolve one at a time as they are set up: resolving all of them at once would
    // also make protobufjs generate every type's constructor, the very code the build generated.
    root = pre ? (new protobuf.Root().addJSON(pre.descriptor.nested ?? {}) as protobuf.Root) : (parseSchemas().resolveAll() as protobuf.Root);
    setUpForReading(root);
  }
  return root;
}

/** The reference decoder: protobufjs's decode and toObject (TO_OBJECT), with unknown fields noted. */
export function messageType(name: MessageName): protobuf.Type {
  let t = cache.get(name);
  if (!t) {
    t = noteUnknownFields(schemaRoot().lookupType(name));
    cache.set(name, t);
  }
  return t;
}

/**
 * Plain-object form: 64-bit values as decimal strings (addresses exceed 2^53), enums by name, bytes as Uint8Array (left as decoded),
 * absent fields absent — close to what crit prints, so the two can be compared field by field.
 */
export const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, defaults: false, arrays: true };
