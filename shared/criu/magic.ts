import type { MessageName } from './schemas';

/** Image files carry this first (except inventory.img, whose own magic comes first). */
export const IMG_COMMON_MAGIC = 0x54564319;
/** Service files (stats-dump, stats-restore, irmap-cache) carry this first. */
export const IMG_SERVICE_MAGIC = 0x55105940;
export const INVENTORY_MAGIC = 0x58313116;

/** How the entries of one image kind are laid out after the magic. */
export type Layout =
  | 'entries' // u32 length + message, repeated
  | 'pagemap' // a pagemap_head, then pagemap_entry records
  | 'ghost' // one ghost_file_entry, then either chunk records with data or the raw file data
  | 'pipe-data' // each entry is followed by `bytes` of queued data
  | 'sk-queues' // each entry is followed by `length` bytes of packet data
  | 'tcp-stream' // one entry followed by inq_len + outq_len bytes
  | 'bpfmap-data' // each entry is followed by keys_bytes + values_bytes
  | 'ipc-sem' // each entry is followed by nsems u16 values, padded to 8 bytes
  | 'ipc-msg'; // each entry is followed by qnum (u32 length, ipc_msg, msize bytes padded to 8)

export interface ImageKind {
  /** crit's name for the magic. */
  name: string;
  message?: MessageName;
  layout: Layout;
}

// CRIU's per-kind magic numbers (criu/include/magic.h). Kinds without a message are recognised but not decoded.
const KINDS: Array<[number, string, MessageName | undefined, Layout?]> = [
  [INVENTORY_MAGIC, 'INVENTORY', 'inventory_entry'],
  [0x50273030, 'PSTREE', 'pstree_entry'],
  [0x56213732, 'FDINFO', 'fdinfo_entry'],
  [0x56084025, 'PAGEMAP', 'pagemap_entry', 'pagemap'],
  [0x55053847, 'CORE', 'core_entry'],
  [0x54432030, 'IDS', 'task_kobj_ids_entry'],
  [0x54123737, 'VMAS', 'vma_entry'],
  [0x56513555, 'PIPES', 'pipe_entry'],
  [0x56453709, 'PIPES_DATA', 'pipe_data_entry', 'pipe-data'],
  [0x58364939, 'FIFO', 'fifo_entry'],
  [0x59333054, 'FIFO_DATA', 'pipe_data_entry', 'pipe-data'],
  [0x55344201, 'SIGACT', 'sa_entry'],
  [0x54373943, 'UNIXSK', 'unix_sk_entry'],
  [0x56443851, 'INETSK', 'inet_sk_entry'],
  [0x60454618, 'PACKETSK', 'packet_sock_entry'],
  [0x57464056, 'ITIMERS', 'itimer_entry'],
  [0x52603957, 'POSIX_TIMERS', 'posix_timer_entry'],
  [0x56264026, 'SK_QUEUES', 'sk_packet_entry', 'sk-queues'],
  [0x54473203, 'UTSNS', 'utsns_entry'],
  [0x54023547, 'CREDS', 'creds_entry'],
  [0x53115007, 'IPC_VAR', 'ipc_var_entry'],
  // Segment contents live in pagemap-shmem/pages images (in_pagemaps, CRIU 3.x and later), not after the entry.
  [0x46283044, 'IPCNS_SHM', 'ipc_shm_entry'],
  [0x55453737, 'IPCNS_MSG', 'ipc_msg_entry', 'ipc-msg'],
  [0x59573019, 'IPCNS_SEM', 'ipc_sem_entry', 'ipc-sem'],
  [0x50363636, 'REG_FILES', 'reg_file_entry'],
  [0x59255641, 'EXT_FILES', 'ext_file_entry'],
  [0x51403912, 'FS', 'fs_entry'],
  [0x57492820, 'MM', 'mm_entry'],
  [0x59133954, 'REMAP_FPATH', 'remap_file_path_entry'],
  [0x52583605, 'GHOST_FILE', 'ghost_file_entry', 'ghost'],
  [0x51465506, 'TCP_STREAM', 'tcp_stream_entry', 'tcp-stream'],
  [0x44523722, 'EVENTFD_FILE', 'eventfd_file_entry'],
  [0x45023858, 'EVENTPOLL_FILE', 'eventpoll_file_entry'],
  [0x44433746, 'EVENTPOLL_TFD', 'eventpoll_tfd_entry'],
  [0x57323820, 'SIGNALFD', 'signalfd_entry'],
  [0x48424431, 'INOTIFY_FILE', 'inotify_file_entry'],
  [0x54562009, 'INOTIFY_WD', 'inotify_wd_entry'],
  [0x55563928, 'MNTS', 'mnt_entry'],
  [0x57373951, 'NETDEV', 'net_device_entry'],
  [0x55933752, 'NETNS', 'netns_entry'],
  [0x59433025, 'TTY_FILES', 'tty_file_entry'],
  [0x59453036, 'TTY_INFO', 'tty_info_entry'],
  [0x59413026, 'TTY_DATA', 'tty_data_entry'],
  [0x54323616, 'FILE_LOCKS', 'file_lock_entry'],
  [0x57113925, 'RLIMIT', 'rlimit_entry'],
  [0x55096122, 'FANOTIFY_FILE', 'fanotify_file_entry'],
  [0x56506035, 'FANOTIFY_MARK', 'fanotify_mark_entry'],
  // signal-s-PID.img / signal-p-TID.img (CRIU before 2.x; later CRIU keeps the queues in core).
  [0x59255647, 'SIGNAL', 'signal_queue_entry'],
  [0x58005614, 'NETLINK_SK', 'netlink_sk_entry'],
  [0x61394011, 'NS_FILES', 'ns_file_entry'],
  [0x57143751, 'TUNFILE', 'tunfile_entry'],
  [0x59383330, 'CGROUP', 'cgroup_entry'],
  [0x50493712, 'TIMERFD', 'timerfd_entry'],
  [0x61404013, 'CPUINFO', 'cpuinfo_entry'],
  [0x55474906, 'USERNS', 'userns_entry'],
  [0x64413049, 'SECCOMP', 'seccomp_entry'],
  [0x67343323, 'BINFMT_MISC', undefined],
  [0x49353943, 'AUTOFS', 'autofs_entry'],
  [0x56303138, 'FILES', 'file_entry'],
  [0x48453499, 'MEMFD_INODE', 'memfd_inode_entry'],
  [0x43114433, 'TIMENS', 'timens_entry'],
  [0x61157326, 'PIDNS', 'pidns_entry'],
  [0x57506142, 'BPFMAP_FILE', 'bpfmap_file_entry'],
  [0x64324033, 'BPFMAP_DATA', 'bpfmap_data_entry', 'bpfmap-data'],
  [0x59423047, 'APPARMOR', undefined],
  [0x57093306, 'STATS', 'stats_entry'],
  [0x57004059, 'IRMAP_CACHE', undefined],
];

export const KIND_BY_MAGIC: ReadonlyMap<number, ImageKind> = new Map(
  KINDS.map(([magic, name, message, layout]) => [magic, { name, layout: layout ?? 'entries', ...(message ? { message } : {}) }]),
);

/** Files CRIU writes without any magic: raw page data, ip(6)tables/nft dumps, tarred tmpfs, route/ifaddr dumps. */
export function isRawImageName(name: string): boolean {
  return /^(pages-\d+|ifaddr-\d+|route6?-\d+|rule-\d+|iptables-\d+|ip6tables-\d+|nftables-\d+|netns-ct-\d+|netns-exp-\d+)\.img$/.test(name)
    || /^tmpfs-(dev-)?\d+\.tar\.gz\.img$/.test(name);
}
