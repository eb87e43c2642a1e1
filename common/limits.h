/*
 * Every limit and default of lanchat as a named constant, in one place.
 * Always include as "common/limits.h" (never <limits.h>).
 */
#ifndef LANCHAT_LIMITS_H
#define LANCHAT_LIMITS_H

#define LANCHAT_VERSION "0.1.0"

/* The largest file a DCC SEND may bring in unless dcc.max_size says otherwise: 4 GiB. */
#define DCC_MAX_SIZE_DEFAULT (4ull << 30)

/* Wire format (RFC 1459 / 2812). */
enum {
	IRC_LINE_MAX = 512,              /* one line including CR LF */
	IRC_LINE_BODY = IRC_LINE_MAX - 2, /* bytes before the CR LF */
	IRC_PARAMS_MAX = 15,             /* parameters per message */
	NICK_LEN = 30,                   /* advertised NICKLEN */
	USER_LEN = 16,                   /* username kept from USER */
	REALNAME_LEN = 64,
	CHANNEL_LEN = 50,                /* advertised CHANNELLEN, '#' included */
	TOPIC_LEN = 390,                 /* advertised TOPICLEN */
	AWAY_LEN = 200,                  /* advertised AWAYLEN */
	HOST_LEN = 64,                   /* printable address of a peer */
	SERVER_NAME_LEN = 63,
	CHANNELS_PER_CLIENT = 20,        /* advertised CHANLIMIT */
	TARGETS_MAX = 4,                 /* advertised TARGMAX for PRIVMSG/NOTICE/JOIN */
	MOTD_LINES_MAX = 100,
	/* Channel modes (server/modes.h). */
	CHAN_MODES_PER_LINE = 6,         /* advertised MODES: changes with a parameter per MODE */
	CHAN_LIST_MAX = 64,              /* advertised MAXLIST: masks in each of b, e and I */
	CHAN_MASK_LEN = NICK_LEN + USER_LEN + HOST_LEN + 2, /* "nick!user@host" of a mask */
	CHAN_KEY_LEN = 23,               /* a channel key (+k) */
	CHAN_LIMIT_MAX = 100000,         /* the largest +l */
	CHAN_INVITES_MAX = 32,           /* pending invitations per channel; the oldest goes */
	KICK_REASON_LEN = 255,           /* advertised KICKLEN */
};

/* Server defaults and per-connection limits. */
enum {
	SERVER_PORT_DEFAULT = 6667,
	PORT_MAX = 65535,                /* TCP and UDP ports */
	MAX_CLIENTS_DEFAULT = 4096,
	MAX_CLIENTS_CEILING = 200000,
	MAX_PER_HOST_DEFAULT = 32,       /* connections from one address; 0 = no limit */
	SENDQ_DEFAULT = 128 * 1024,      /* bytes of unsent output before a client is dropped */
	SENDQ_MIN = 4 * 1024,
	OUTBUF_KEEP = 1024,              /* an emptied output buffer larger than this is freed */
	OUTBUF_HOT_PASSES = 4,           /* ... unless written on this many passes in a row */
	HEAP_TRIM_THRESHOLD = 64 << 20,  /* free heap kept before malloc gives memory back */
	FLOOD_RATE_DEFAULT = 10,         /* lines per second after the burst; 0 = off */
	FLOOD_BURST = 20,                /* lines a client may send at once */
	FLOOD_KICK_BYTES = 16 * 1024,    /* unread input while throttled before "Excess Flood" */
	PLAIN_PASTE_BYTES = 64 * 1024,   /* the same for plain users, who paste text by hand */
	SLOW_NOTICE_MS = 30000,          /* plain users are told they are throttled this seldom */
	LINES_PER_PASS = 16,             /* lines handled per client per loop pass (fairness) */
	ACCEPTS_PER_PASS = 64,           /* connections accepted per loop pass */
	ACCEPT_BACKOFF_MS = 1000,        /* pause accept() after EMFILE/ENFILE */
	PLAIN_DETECT_MS = 2000,          /* silence before a connection is treated as plain text */
	/*
	 * Guests that became plain by silence and have not sent a line yet (read-only nc users,
	 * or connections hoarded to fill #lan): at most this many per address and in all; the
	 * oldest such guest is closed to make room for a newer one.
	 */
	SILENT_GUESTS_PER_HOST = 8,
	SILENT_GUESTS_MAX = 128,
	PING_INTERVAL_DEFAULT = 120,     /* idle seconds before PING (--timeout; also the
	                                    time allowed to register) */
	TIMEOUT_MAX_S = 86400,           /* the largest --timeout */
	FLOOD_RATE_MAX = 100000,         /* the largest --flood */
	SENDQ_MAX = 1 << 30,             /* the largest --sendq */
	SHUTDOWN_FLUSH_MS = 1000,        /* how long shutdown keeps flushing */
	WHO_REPLIES_MAX = 500,           /* rows a single WHO/LIST/NAMES may produce per request */
	TICK_MS = 1000,                  /* housekeeping timer */
	/*
	 * A connection silent this long, with nothing to send, nothing buffered and its
	 * registration done, is "cold": poll() looks at it only every COLD_POLL_MS instead of on
	 * every pass, so idle connections cost (almost) nothing. Its next line waits at most
	 * COLD_POLL_MS, and any activity makes it hot again.
	 */
	COLD_AFTER_MS = 5000,
	COLD_POLL_MS = 10,
	/*
	 * TCP keepalive finds peers that vanished without a FIN (a laptop closed mid-chat):
	 * plain users cannot answer PING, so without it they would stay in the channel forever.
	 * Probing starts after this much silence and gives up after KEEPALIVE_PROBES misses.
	 */
	KEEPALIVE_IDLE_S = 120,
	KEEPALIVE_INTERVAL_S = 30,
	KEEPALIVE_PROBES = 4,
};

/* lanchatd's config file. */
enum {
	/*
	 * Bytes in one line of the config file, line end excluded: libinih reads into a
	 * 200-byte buffer and silently cuts longer lines, so longer ones are refused instead.
	 */
	CONFIG_LINE_MAX = 196,
	OPER_MAX = 32,                   /* oper entries */
	OPTS_ERRORS_KEPT = 8,            /* config errors reported in full; the rest are counted */
	OPTS_ERROR_LEN = 256,            /* one error message */
};

/* Server operators and the history of nicks that left. */
enum {
	/*
	 * Failed OPER attempts, counted per address: OPER_FAIL_BURST may fail in a row, then one
	 * more attempt is allowed per OPER_FAIL_INTERVAL_MS; attempts over that are refused
	 * without checking the password (so they cost no hashing either). At most
	 * OPER_FAIL_HOSTS addresses are tracked; a new one replaces the one that failed longest ago.
	 */
	OPER_FAIL_BURST = 3,
	OPER_FAIL_INTERVAL_MS = 10000,
	OPER_FAIL_HOSTS = 64,
	WALLOPS_LEN = 400,               /* bytes of WALLOPS text relayed */
	KILL_REASON_LEN = 200,           /* bytes of a KILL reason kept */
	WHOWAS_MAX = 256,                /* nicks that left, remembered for WHOWAS */
	WHOWAS_REPLIES_MAX = 10,         /* entries one WHOWAS answers with at most */
};

/* Client. */
enum {
	RECONNECT_MIN_MS = 1000,
	RECONNECT_MAX_MS = 60000,
	SCROLLBACK_LINES = 5000,         /* per window */
	WINDOWS_MAX = 64,
	WELCOME_LINES = MOTD_LINES_MAX + 32, /* greeting, 001-004, LUSERS and the MOTD */                /* the server window, channels and private conversations */
	INPUT_MAX = 4096,                /* bytes in the input line */
	COMPLETIONS_MAX = 256,           /* candidates Tab completion considers */
	HISTORY_MAX = 200,
	LAG_PING_INTERVAL_S = 30,
	LAG_FIRST_PING_MS = 3000,        /* after the registration burst, which servers may pace */
	WIRE_LINES = 2000,
	/*
	 * Members the client keeps per channel; past it JOINs and NAMES entries are counted,
	 * not stored, so a hostile server cannot make the client grow or crawl.
	 */
	CLIENT_CHAN_MEMBERS_MAX = 10000,
	COMPLETION_CANDIDATES_MAX = 256, /* names Tab chooses among */
	/*
	 * CTCP requests (PING, VERSION, TIME) are answered at most CTCP_REPLY_BURST at once and
	 * then one per CTCP_REPLY_EVERY_MS; one sent to a channel at most once per
	 * CTCP_CHANNEL_EVERY_MS. The rest are dropped silently, so nobody can reflect a flood
	 * through us and get us dropped for Excess Flood. A PING's echo is cut to
	 * CTCP_PING_ECHO_MAX bytes.
	 */
	CTCP_REPLY_BURST = 3,
	CTCP_REPLY_EVERY_MS = 2000,
	CTCP_CHANNEL_EVERY_MS = 10000,
	CTCP_PING_ECHO_MAX = 64,
	CONNECT_TIMEOUT_MS = 10000,      /* TCP connect before we give up and back off */
	REGISTER_TIMEOUT_MS = 30000,     /* connected but no 001 yet */
	LINES_PER_DRAW = 256,            /* server lines handled before the screen is redrawn */
	DISCOVER_WAIT_MS = 2000,         /* no HOST: listen this long for server beacons */
	DISCOVER_SETTLE_MS = 1000,       /* ... and this long after the first one, for others */
	IDLE_AFTER_MS = 5 * 60 * 1000,   /* no typing for this long: our beacon says "idle" */
	RESOLVE_TRIES_MAX = 3,           /* a host name that never resolved is given up after */
	CONFIG_BYTES_MAX = 64 * 1024,    /* a config file larger than this is refused */
	CONFIG_SERVERS_MAX = 16,         /* [server NAME] sections */
	HIGHLIGHT_WORDS_MAX = 16,        /* ui.highlight words besides our nick */
	HIGHLIGHT_WORD_LEN = 32,
	NOTIFY_CMD_LEN = 256,            /* notify.command, program and its own arguments */
	NOTIFY_ARGS_MAX = 16,            /* words in notify.command */
	NOTIFY_MIN_GAP_MS = 3000,        /* at most one notification this often... */
	NOTIFY_BURST = 3,                /* ...after a burst of this many */
	TIME_FORMAT_LEN = 31,            /* ui.time_format, a strftime format */
	STAMP_MAX = 24,                  /* bytes a formatted timestamp may take */
	LOG_RESTORE_LINES = 15,          /* lines of its log a window shows when it opens */
	LOG_TAIL_BYTES = 64 * 1024,      /* read from the end of a log to find them */
	FIND_TEXT_LEN = 100,             /* what /find looks for */
	FIND_LOG_DAYS_MAX = 31,          /* /find reads this many days of a window's log */
	FIND_LOG_HITS_MAX = 20,          /* and shows this many matches from it */
	DCC_OFFER_TIMEOUT_S = 300,       /* an offer nobody connects to (or accepts) expires */
	DCC_TRANSFERS_MAX = 16,          /* offers and transfers at once */
	DCC_CHUNK = 16 * 1024,           /* bytes read or written per transfer per pass */
	DCC_STALL_S = 60,                /* a transfer with no progress this long is dropped */
	/*
	 * History from servers with CHATHISTORY: a channel joined for the first time in a run is
	 * filled with its latest CLIENT_HISTORY_JOIN lines; requests ask for at most
	 * CLIENT_HISTORY_PAGE lines (less if the server's CHATHISTORY= says so); after a
	 * reconnect each window fetches what it missed a page at a time while pages come back
	 * full, at most CLIENT_CATCHUP_PAGES pages.
	 */
	CLIENT_HISTORY_JOIN = 50,
	CLIENT_HISTORY_PAGE = 100,
	CLIENT_CATCHUP_PAGES = 20,
	/*
	 * msgids of the lines shown, per window, remembered so that a message given again (a
	 * replay, a page that overlaps) is never shown twice; past this many the oldest are
	 * forgotten first. At least the scrollback of a few busy windows.
	 */
	CLIENT_MSGIDS_SEEN = 4 * SCROLLBACK_LINES,
	CLIENT_MSGID_MAX = 100,          /* bytes of a msgid kept; a longer one counts as none */
	CLIENT_BATCHES_OPEN = 8,         /* batches open at once; lines of any other count as live */
	CLIENT_BATCH_REF_MAX = 32,       /* bytes of a batch reference */
	/*
	 * A line of ours from history without a msgid match is the same as one already shown
	 * without a msgid (as we sent it, or restored from the log, stamped by our clock) when
	 * its text is the same and the times are at most this far apart; others' lines must
	 * have the same second (the log keeps the server's time).
	 */
	HISTORY_MATCH_SLACK_S = 30,
};

/* TLS (both programs). */
enum {
	TLS_PORT_DEFAULT = 6697,
	TLS_FP_HEX = 64,                 /* hex digits of a SHA-256 fingerprint */
	TLS_FP_SHORT = 8,                /* of them shown where room is short (status line) */
	TLS_PATH_LEN = 1024,             /* a state directory or key file path */
	TLS_CERT_DAYS = 3650,            /* validity of a self-made certificate */
	/*
	 * A connection has this long from accept to a finished handshake: a peer that stalls
	 * or sends garbage holds one slot for at most this, never the loop.
	 */
	TLS_HANDSHAKE_TIMEOUT_MS = 10000,
	KNOWN_SERVERS_MAX = 4096,        /* entries read from known_servers */
	KNOWN_LINE_MAX = 600,            /* one line of known_servers */
};

/* Presence beacons (LANCHAT/1). */
enum {
	BEACON_PORT_DEFAULT = 6667,
	BEACON_MAX = 512,                /* bytes in one datagram */
	BEACON_INTERVAL_MS = 5000,
	BEACON_JITTER_PCT = 20,
	BEACON_EXPIRE_INTERVALS = 3,
	BEACON_RATE_PER_SEC = 4,         /* accepted per source address */
	BEACON_ROSTER_MAX = 256,         /* senders remembered at once */
	BEACON_PINS_MAX = 8,             /* servers we joined, kept a place in a full roster */
	/*
	 * A seq more than this ahead of (or behind) the last one accepted from a sender is
	 * taken as that sender restarting its count, not as newer than anything it will ever
	 * send: one forged seq=2^64-1 must not make the real beacons look stale.
	 */
	BEACON_SEQ_JUMP_MAX = 1000,
	BEACON_RATE_SOURCES = 64,        /* source addresses whose rate is tracked at once */
	BEACON_VER_LEN = 15,             /* the ver= value of a server beacon */
	BEACON_KEY_LEN = 16,             /* a key in a beacon */
	/*
	 * A server answers a user id it has not heard before with a beacon at once, so that a
	 * client started without a HOST need not wait a whole interval; at most one such extra
	 * beacon goes out per BEACON_ANSWER_MIN_MS, however many clients start together.
	 */
	BEACON_ANSWER_MIN_MS = 1000,
	/* A client that sends no beacon (--no-beacon) gets no answer: it waits a whole interval. */
	DISCOVER_QUIET_WAIT_MS = BEACON_INTERVAL_MS * (100 + BEACON_JITTER_PCT) / 100 + 500,
};

/* The durable store (SQLite) and message history. */
enum {
	STATE_DIR_LEN = 1024,            /* --state-dir, as a path */
	HISTORY_DAYS_DEFAULT = 30,       /* --history-days: stored lines older than this are pruned */
	HISTORY_DAYS_MAX = 36500,
	HISTORY_TARGET_CAP = 20000,      /* lines kept per channel; older ones are pruned */
	HISTORY_REPLAY_DEFAULT = 20,     /* --history-replay: lines replayed on JOIN */
	HISTORY_REPLAY_MAX = 200,        /* ... at most */
	CHATHISTORY_MAX = 100,           /* lines one CHATHISTORY request returns (CHATHISTORY=) */
	CHATHISTORY_TARGETS_MAX = 50,    /* targets one CHATHISTORY TARGETS returns */
	MSGID_LEN = 16,                  /* msgid: hex digits, fixed width */
	OFFLINE_PER_RECIPIENT = 100,     /* stored private messages waiting for one account */
	ACCOUNT_CERTS_MAX = 8,           /* certificate fingerprints per account */
	STORE_PRUNE_ROWS = 256,          /* rows one retention step deletes at most */
	STORE_PRUNE_INTERVAL_MS = 1000,  /* how often a retention step runs */
	STORE_SLOW_COMMIT_MS = 100,      /* a commit slower than this is logged */
	STORE_ERROR_LOG_MS = 10000,      /* a failing store logs one error in this long */
	STORE_BUSY_MS = 50,              /* the loop waits at most this for a database lock */
	STORE_CHECKPOINT_MS = 1000,      /* the WAL is copied into the database this often */
	STORE_CHECKPOINT_LAG_PAGES = 64, /* more left than this after one: the next at once */
	STORE_CHECKPOINT_WAKE = 1024,    /* a WAL past this many pages (4 MiB) is copied at once */
	STORE_WAL_MAX_PAGES = 8192,      /* past this (32 MiB) the loop checkpoints itself */
	STORE_CHECKPOINT_NICE = 10,      /* the checkpoint thread's nice value (Linux) */
};

/* Accounts: SASL, NickServ, nick ownership. */
enum {
	SASL_CHUNK_LEN = 400,           /* AUTHENTICATE payload per line; a full one means more */
	SASL_MSG_MAX = 1200,            /* base64 bytes of one SASL message, all chunks */
	PASSWORD_MAX = 256,             /* bytes of a password */
	PASSWORD_HASH_MAX = 128,        /* a crypt(3) yescrypt string, with room */
	/*
	 * yescrypt's cost for new hashes (libxcrypt's default is 5). Every hash and check runs
	 * in the server's one loop, so it is kept to a few milliseconds on an idle machine;
	 * clients log in by certificate, which costs no hash at all. Old hashes keep the cost
	 * they were made with.
	 */
	PASSWORD_HASH_COST = 3,
	LOGIN_FAILS_MAX = 5,            /* failed logins per address, and per account ... */
	LOGIN_FAIL_WINDOW_MS = 60000,   /* ... in this long; more are refused unchecked */
	LOGIN_FAIL_ENTRIES_MAX = 4096,  /* addresses and accounts tracked for that at once */
	NICK_GRACE_DEFAULT_S = 60,      /* --nick-grace: an impostor keeps an owned nick this long */
	NICK_GRACE_MAX_S = 3600,
	NICKSERV_ARGS_MAX = 4,          /* words of one NickServ command */
};

#endif
