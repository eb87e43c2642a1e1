#include "client/dcc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/ircmsg.h"
#include "common/net.h"
#include "common/util.h"

enum xstate {
	X_OFFERED,    /* theirs: waiting for /accept */
	X_LISTENING,  /* ours, or theirs offered passively: waiting for them to connect */
	X_RESUMING,   /* theirs: we asked to go on from a .part, waiting for ACCEPT */
	X_CONNECTING, /* theirs: connecting to them */
	X_ACTIVE,
	X_OVER        /* done, failed or cancelled: removed at the end of the pass */
};

struct xfer {
	int id;
	bool out;                    /* we send */
	enum xstate st;
	char nick[NICK_LEN + 1];
	char name[DCC_NAME_MAX + 1]; /* the name on the wire */
	char shown[DCC_NAME_MAX + 1]; /* the name as a file here: what the user is told */
	char path[CFG_PATH_MAX + DCC_NAME_MAX + 16]; /* the file sent, or the .part written */
	uint64_t size, pos, start, acked;
	uint32_t ip;
	uint16_t port;
	bool passive;                /* theirs, offered passively: we listen, they connect */
	uint32_t token;              /* of a passive offer, said back in our answer */
	int lfd, sfd, ffd;
	int64_t since, last_io, started;
	unsigned char ack[4];        /* a 4-byte acknowledgement being read or written */
	size_t ackn;
};

struct dcc {
	const struct config *cfg;
	struct dcc_host host;
	struct xfer *x[DCC_TRANSFERS_MAX];
	int n;
	int next_id;
};

static void
say(struct dcc *d, const char *nick, bool attention, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void
say(struct dcc *d, const char *nick, bool attention, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	d->host.say(d->host.arg, nick, attention, buf);
}

struct dcc *
dcc_new(const struct config *cfg, struct dcc_host host)
{
	struct dcc *d = xcalloc(1, sizeof *d);
	d->cfg = cfg;
	d->host = host;
	return d;
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void
finish(struct xfer *x)
{
	close_fd(&x->lfd);
	close_fd(&x->sfd);
	close_fd(&x->ffd);
	x->st = X_OVER;
}

/* Removes what is over; never in the middle of handling a transfer. */
static void
reap(struct dcc *d)
{
	int o = 0;
	for (int i = 0; i < d->n; i++) {
		if (d->x[i]->st == X_OVER)
			free(d->x[i]);
		else
			d->x[o++] = d->x[i];
	}
	d->n = o;
}

void
dcc_free(struct dcc *d)
{
	if (d == NULL)
		return;
	for (int i = 0; i < d->n; i++)
		finish(d->x[i]);
	reap(d);
	free(d);
}

static struct xfer *
add(struct dcc *d, bool out, const char *nick, int64_t now)
{
	if (d->n == DCC_TRANSFERS_MAX)
		return NULL;
	struct xfer *x = xcalloc(1, sizeof *x);
	x->id = ++d->next_id;
	x->out = out;
	x->lfd = x->sfd = x->ffd = -1;
	x->since = x->last_io = now;
	str_copy(x->nick, nick, sizeof x->nick);
	d->x[d->n++] = x;
	return x;
}

/* The newest transfer with nick (and name, if given) in state st. */
static struct xfer *
find(struct dcc *d, const char *nick, const char *name, enum xstate st)
{
	for (int i = d->n; i > 0; i--) {
		struct xfer *x = d->x[i - 1];
		if (x->st == st && irc_casecmp(x->nick, nick) == 0 &&
		    (name == NULL || name[0] == '\0' || strcmp(x->name, name) == 0 ||
		    strcmp(x->shown, name) == 0))
			return x;
	}
	return NULL;
}

/* dcc.dir with "~/" expanded, made if missing. */
static void
download_dir(const struct dcc *d, char *buf, size_t cap)
{
	const char *dir = d->cfg->dcc_dir[0] ? d->cfg->dcc_dir : "~/Downloads";
	const char *home = getenv("HOME");
	if (strncmp(dir, "~/", 2) == 0)
		snprintf(buf, cap, "%s/%s", home != NULL ? home : ".", dir + 2);
	else
		snprintf(buf, cap, "%s", dir);
	mkdir(buf, 0700);
}

static void
fail(struct dcc *d, struct xfer *x, const char *why)
{
	char sz[32];
	dcc_human_size(sz, sizeof sz, x->pos);
	if (x->out)
		say(d, x->nick, false, "Sending %s to %s failed after %s: %s", x->shown, x->nick, sz,
		    why);
	else
		say(d, x->nick, false, "Receiving %s from %s failed after %s: %s%s", x->shown,
		    x->nick, sz, why, x->pos > 0 ? " (accepting it again resumes it)" : "");
	finish(x);
}

/* ---- offers we get ---- */

static void
offered(struct dcc *d, const char *nick, const struct dcc_msg *m, int64_t now)
{
	char sz[32], max[32], safe[DCC_NAME_MAX + 1];
	dcc_safe_name(safe, sizeof safe, m->name);
	dcc_human_size(sz, sizeof sz, m->size);
	if (m->passive && !m->has_token) {
		say(d, nick, true, "%s offers %s (%s) as a passive DCC without a token, which "
		    "cannot be answered; ask for an ordinary offer", nick, safe, sz);
		return;
	}
	struct xfer *x = add(d, false, nick, now);
	if (x == NULL) {
		say(d, nick, true, "%s offers %s, but %d transfers are going on: refused", nick,
		    safe, DCC_TRANSFERS_MAX);
		return;
	}
	x->st = X_OFFERED;
	str_copy(x->name, m->name, sizeof x->name);
	str_copy(x->shown, safe, sizeof x->shown);
	x->ip = m->ip;
	x->port = m->port;
	x->size = m->size;
	x->passive = m->passive;
	x->token = m->token;
	if (m->size > d->cfg->dcc_max_size) {
		dcc_human_size(max, sizeof max, d->cfg->dcc_max_size);
		say(d, nick, true, "%s offers %s (%s), more than dcc.max_size (%s): /accept will "
		    "refuse it", nick, safe, sz, max);
		return;
	}
	say(d, nick, true, "%s offers %s (%s): /accept %s to save it, /decline %s to refuse",
	    nick, safe, sz, nick, nick);
}

/* Connects to the offer; with a .part on disk its end is where the data goes on. */
static void
connect_to(struct dcc *d, struct xfer *x, int64_t now)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(x->port),
		.sin_addr.s_addr = htonl(x->ip) };
	x->sfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (x->sfd < 0 || (connect(x->sfd, (struct sockaddr *)&sa, sizeof sa) < 0 &&
	    errno != EINPROGRESS)) {
		fail(d, x, strerror(errno));
		return;
	}
	x->st = X_CONNECTING;
	x->since = x->last_io = now;
}

static int listen_on(const struct dcc *d, uint32_t ip, uint16_t *port);

/* A passive offer: we listen, and tell them where with the same offer and their token. */
static void
answer_passive(struct dcc *d, struct xfer *x, uint32_t local_ip, int64_t now)
{
	char body[DCC_NAME_MAX + 96];

	if (local_ip == 0) {
		fail(d, x, "a passive DCC needs a connection to the server over IPv4");
		return;
	}
	x->lfd = listen_on(d, local_ip, &x->port);
	if (x->lfd < 0 || !dcc_format_send(body, sizeof body, x->name, local_ip, x->port,
	    x->size, &x->token)) {
		fail(d, x, x->lfd < 0 ? "no port to listen on" : "the name is too long to answer");
		return;
	}
	d->host.ctcp(d->host.arg, x->nick, body);
	x->st = X_LISTENING;
	x->since = x->last_io = now;
}

void
dcc_accept(struct dcc *d, const char *nick, const char *name, uint32_t local_ip, int64_t now)
{
	char dir[CFG_PATH_MAX], safe[DCC_NAME_MAX + 1], sz[32];
	struct xfer *x = find(d, nick, name, X_OFFERED);
	if (x == NULL) {
		say(d, nick, false, "%s has offered no file%s%s (/transfers lists the offers)", nick,
		    name != NULL && name[0] ? " called " : "", name != NULL ? name : "");
		return;
	}
	if (x->size > d->cfg->dcc_max_size) {
		dcc_human_size(sz, sizeof sz, d->cfg->dcc_max_size);
		say(d, nick, false, "%s is bigger than dcc.max_size (%s): not accepted (/set "
		    "dcc.max_size changes it)", x->shown, sz);
		return;
	}
	download_dir(d, dir, sizeof dir);
	dcc_safe_name(safe, sizeof safe, x->name);
	snprintf(x->path, sizeof x->path, "%s/%s.part", dir, safe);
	x->ffd = open(x->path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	struct stat st;
	if (x->ffd < 0 || fstat(x->ffd, &st) < 0 || !S_ISREG(st.st_mode)) {
		say(d, nick, false, "Cannot write %s: %s", x->path, strerror(errno));
		finish(x);
		return;
	}
	x->started = now;
	if (st.st_size > 0 && (uint64_t)st.st_size < x->size && !x->passive) {
		/* A broken transfer of this file: ask to go on where it stopped. */
		char body[DCC_NAME_MAX + 64];
		x->pos = x->start = (uint64_t)st.st_size;
		lseek(x->ffd, (off_t)x->pos, SEEK_SET);
		snprintf(body, sizeof body, "DCC RESUME %s%s%s %u %llu",
		    strchr(x->name, ' ') ? "\"" : "", x->name, strchr(x->name, ' ') ? "\"" : "",
		    (unsigned)x->port, (unsigned long long)x->pos);
		d->host.ctcp(d->host.arg, nick, body);
		dcc_human_size(sz, sizeof sz, x->pos);
		say(d, nick, false, "Asking %s to go on with %s from %s", nick, safe, sz);
		x->st = X_RESUMING;
		x->since = now;
		return;
	}
	if (ftruncate(x->ffd, 0) < 0) {
		fail(d, x, strerror(errno));
		return;
	}
	say(d, nick, false, "Receiving %s from %s into %s", safe, nick, dir);
	if (x->passive)
		answer_passive(d, x, local_ip, now);
	else
		connect_to(d, x, now);
}

void
dcc_decline(struct dcc *d, const char *nick, const char *name)
{
	struct xfer *x = find(d, nick, name, X_OFFERED);
	if (x == NULL) {
		say(d, nick, false, "%s has offered no file to decline", nick);
		return;
	}
	say(d, nick, false, "Declined %s from %s", x->shown, nick);
	finish(x);
	reap(d);
}

/* ---- offers we make ---- */

static int
listen_on(const struct dcc *d, uint32_t ip, uint16_t *port)
{
	int lo = d->cfg->dcc_port_min, hi = d->cfg->dcc_port_max;
	if (lo == 0)
		lo = hi = 0;
	for (int p = lo; p <= hi; p++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)p),
			.sin_addr.s_addr = htonl(ip) };
		if (fd < 0)
			return -1;
		if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(fd, 1) == 0) {
			socklen_t len = sizeof sa;
			getsockname(fd, (struct sockaddr *)&sa, &len);
			*port = ntohs(sa.sin_port);
			return fd;
		}
		close(fd);
	}
	errno = EADDRINUSE;
	return -1;
}

void
dcc_send(struct dcc *d, const char *nick, const char *path, uint32_t local_ip, int64_t now)
{
	char body[DCC_NAME_MAX + 96], sz[32];
	struct stat st;
	const char *base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;

	if (local_ip == 0) {
		say(d, nick, false, "DCC needs a connection to the server over IPv4");
		return;
	}
	struct xfer *x = add(d, true, nick, now);
	if (x == NULL) {
		say(d, nick, false, "%d transfers are going on already", DCC_TRANSFERS_MAX);
		return;
	}
	str_copy(x->path, path, sizeof x->path);
	x->ffd = open(path, O_RDONLY | O_CLOEXEC);
	if (x->ffd < 0 || fstat(x->ffd, &st) < 0 || !S_ISREG(st.st_mode)) {
		say(d, nick, false, "Cannot send %s: %s", path, x->ffd < 0 ? strerror(errno) :
		    "not a regular file");
		finish(x);
		reap(d);
		return;
	}
	/* The name offered is the file's own, with nothing the other side could misread. */
	dcc_safe_name(x->name, sizeof x->name, base);
	for (char *p = x->name; *p != '\0'; p++)
		if (*p == ' ')
			*p = '_';
	str_copy(x->shown, x->name, sizeof x->shown);
	x->size = (uint64_t)st.st_size;
	x->lfd = listen_on(d, local_ip, &x->port);
	if (x->lfd < 0 || !dcc_format_send(body, sizeof body, x->name, local_ip, x->port,
	    x->size, NULL)) {
		say(d, nick, false, "Cannot offer %s: no port to listen on (%s)", x->shown,
		    strerror(errno));
		finish(x);
		reap(d);
		return;
	}
	x->st = X_LISTENING;
	d->host.ctcp(d->host.arg, nick, body);
	dcc_human_size(sz, sizeof sz, x->size);
	say(d, nick, false, "Offering %s (%s) to %s; waiting up to %ds for them to accept "
	    "(/cancel %d withdraws it)", x->shown, sz, nick, d->cfg->dcc_timeout_s, x->id);
}

void
dcc_ctcp(struct dcc *d, const char *nick, const struct dcc_msg *m, int64_t now)
{
	struct xfer *x;
	switch (m->kind) {
	case DCC_SEND:
		offered(d, nick, m, now);
		return;
	case DCC_RESUME:
		/* They have part of what we offer: go on from there, if it is ours to offer. */
		for (int i = 0; i < d->n; i++) {
			x = d->x[i];
			if (x->out && x->st == X_LISTENING && x->port == m->port &&
			    irc_casecmp(x->nick, nick) == 0 && m->pos < x->size) {
				char body[DCC_NAME_MAX + 64];
				x->pos = x->start = m->pos;
				lseek(x->ffd, (off_t)x->pos, SEEK_SET);
				snprintf(body, sizeof body, "DCC ACCEPT %s %u %llu", x->name,
				    (unsigned)x->port, (unsigned long long)x->pos);
				d->host.ctcp(d->host.arg, nick, body);
				return;
			}
		}
		return;
	case DCC_ACCEPT:
		for (int i = 0; i < d->n; i++) {
			x = d->x[i];
			if (!x->out && x->st == X_RESUMING && x->port == m->port &&
			    irc_casecmp(x->nick, nick) == 0 && m->pos == x->pos) {
				connect_to(d, x, now);
				return;
			}
		}
		return;
	}
}

/* ---- moving bytes ---- */

/* The receiver's acknowledgement: how much arrived, as 4 bytes (the low 32 bits). */
static void
send_ack(struct xfer *x)
{
	uint32_t v = htonl((uint32_t)x->pos);
	memcpy(x->ack, &v, 4);
	ssize_t n = send(x->sfd, x->ack, 4, MSG_NOSIGNAL);
	/* A full socket drops this one: the next carries a larger count anyway. */
	x->ackn = n > 0 && n < 4 ? (size_t)n : 0;
}

static void
received(struct dcc *d, struct xfer *x, int64_t now)
{
	char dir[CFG_PATH_MAX], safe[DCC_NAME_MAX + 1], final[sizeof x->path + 16], sz[32];
	close_fd(&x->ffd);
	close_fd(&x->sfd);
	download_dir(d, dir, sizeof dir);
	dcc_safe_name(safe, sizeof safe, x->name);
	/* link() never replaces a file: "name", "name (1)", ... until one is free. */
	for (int i = 0; i < 1000; i++) {
		const char *dot = strrchr(safe, '.');
		int stem = dot != NULL && dot != safe ? (int)(dot - safe) : (int)strlen(safe);
		if (i == 0)
			snprintf(final, sizeof final, "%s/%s", dir, safe);
		else
			snprintf(final, sizeof final, "%s/%.*s (%d)%s", dir, stem, safe, i,
			    safe + stem);
		if (link(x->path, final) == 0) {
			unlink(x->path);
			int64_t ms = now - x->started > 0 ? now - x->started : 1;
			dcc_human_size(sz, sizeof sz, x->size);
			say(d, x->nick, false, "Received %s from %s: %s in %llds, saved as %s", safe,
			    x->nick, sz, (long long)((ms + 999) / 1000), final);
			x->st = X_OVER;
			return;
		}
		if (errno != EEXIST)
			break;
	}
	say(d, x->nick, false, "Received %s but cannot name it in %s: %s (it is %s)", safe, dir,
	    strerror(errno), x->path);
	x->st = X_OVER;
}

static void
read_data(struct dcc *d, struct xfer *x, int64_t now)
{
	char buf[DCC_CHUNK];
	ssize_t n = recv(x->sfd, buf, sizeof buf, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (x->pos == x->size && x->size > 0)
			received(d, x, now);
		else
			fail(d, x, n == 0 ? "the sender closed the connection" : strerror(errno));
		return;
	}
	if (x->pos + (uint64_t)n > x->size) {
		fail(d, x, "more data than offered");
		return;
	}
	if (write(x->ffd, buf, (size_t)n) != n) {
		fail(d, x, strerror(errno));
		return;
	}
	x->pos += (uint64_t)n;
	x->last_io = now;
	send_ack(x);
	if (x->pos == x->size)
		received(d, x, now);
}

static void
write_data(struct dcc *d, struct xfer *x, int64_t now)
{
	char buf[DCC_CHUNK];
	if (x->pos < x->size) {
		ssize_t n = pread(x->ffd, buf, sizeof buf, (off_t)x->pos);
		if (n <= 0) {
			fail(d, x, n == 0 ? "the file got shorter" : strerror(errno));
			return;
		}
		ssize_t w = send(x->sfd, buf, (size_t)n, MSG_NOSIGNAL);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (w < 0) {
			fail(d, x, strerror(errno));
			return;
		}
		x->pos += (uint64_t)w;
		x->last_io = now;
	}
}

static void
sent(struct dcc *d, struct xfer *x, int64_t now)
{
	char sz[32];
	dcc_human_size(sz, sizeof sz, x->size - x->start);
	say(d, x->nick, false, "Sent %s to %s: %s in %llds", x->shown, x->nick, sz,
	    (long long)((now - x->started + 999) / 1000));
	finish(x);
}

static void
read_acks(struct dcc *d, struct xfer *x, int64_t now)
{
	unsigned char buf[64];
	ssize_t n = recv(x->sfd, buf, sizeof buf, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	bool whole = x->pos == x->size;
	if (n <= 0) {
		/* Closed after the last byte went out: done (some clients send no last ack). */
		if (whole)
			sent(d, x, now);
		else
			fail(d, x, n == 0 ? "the receiver closed the connection" : strerror(errno));
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		x->ack[x->ackn++] = buf[i];
		if (x->ackn == 4) {
			uint32_t v;
			memcpy(&v, x->ack, 4);
			x->acked = ntohl(v);
			x->ackn = 0;
			x->last_io = now;
		}
	}
	/* The receiver counts what arrived in 32 bits: all of it is acknowledged. */
	if (whole && x->acked == (x->size & 0xffffffffu))
		sent(d, x, now);
}

size_t
dcc_pollfds(struct dcc *d, struct pollfd *p, size_t max)
{
	size_t n = 0;
	for (int i = 0; i < d->n && n < max; i++) {
		struct xfer *x = d->x[i];
		p[n].revents = 0;
		if (x->st == X_LISTENING)
			p[n] = (struct pollfd){ .fd = x->lfd, .events = POLLIN };
		else if (x->st == X_CONNECTING)
			p[n] = (struct pollfd){ .fd = x->sfd, .events = POLLOUT };
		else if (x->st == X_ACTIVE)
			p[n] = (struct pollfd){ .fd = x->sfd, .events = (short)(POLLIN |
			    (x->out && x->pos < x->size ? POLLOUT : 0)) };
		else
			p[n] = (struct pollfd){ .fd = -1 };
		n++;
	}
	return n;
}

static void
accepted(struct dcc *d, struct xfer *x, int64_t now)
{
	x->sfd = accept4(x->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (x->sfd < 0)
		return;
	/* One connection per offer: nobody else gets in after the first. */
	close_fd(&x->lfd);
	x->st = X_ACTIVE;
	x->started = x->last_io = now;
	if (x->out)
		say(d, x->nick, false, "%s is receiving %s", x->nick, x->shown);
}

void
dcc_io(struct dcc *d, const struct pollfd *p, size_t n, int64_t now)
{
	for (size_t i = 0; i < n && (int)i < d->n; i++) {
		struct xfer *x = d->x[i];
		if (p[i].fd < 0 || p[i].revents == 0)
			continue;
		if (x->st == X_LISTENING) {
			accepted(d, x, now);
		} else if (x->st == X_CONNECTING) {
			int err = 0;
			socklen_t len = sizeof err;
			getsockopt(x->sfd, SOL_SOCKET, SO_ERROR, &err, &len);
			if (err != 0) {
				fail(d, x, strerror(err));
				continue;
			}
			x->st = X_ACTIVE;
			x->last_io = now;
		} else if (x->st == X_ACTIVE && !x->out) {
			read_data(d, x, now);
		} else if (x->st == X_ACTIVE) {
			if (p[i].revents & POLLOUT)
				write_data(d, x, now);
			if (x->st == X_ACTIVE && (p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				read_acks(d, x, now);
		}
	}
	reap(d);
}

void
dcc_tick(struct dcc *d, int64_t now)
{
	for (int i = 0; i < d->n; i++) {
		struct xfer *x = d->x[i];
		if (x->st != X_ACTIVE && now - x->since >= (int64_t)d->cfg->dcc_timeout_s * 1000) {
			if (x->st == X_OFFERED)
				say(d, x->nick, false, "The offer of %s from %s expired", x->shown, x->nick);
			else if (!x->out)
				fail(d, x, "they did not connect in time");
			else
				say(d, x->nick, false, "Nobody took %s within %ds: withdrawn", x->shown,
				    d->cfg->dcc_timeout_s);
			finish(x);
		} else if (x->st == X_ACTIVE && now - x->last_io >= DCC_STALL_S * 1000) {
			fail(d, x, "no progress for a minute");
		}
	}
	reap(d);
}

int64_t
dcc_next_deadline(const struct dcc *d)
{
	int64_t t = INT64_MAX;
	for (int i = 0; i < d->n; i++) {
		const struct xfer *x = d->x[i];
		int64_t at = x->st == X_ACTIVE ? x->last_io + DCC_STALL_S * 1000 :
		    x->since + (int64_t)d->cfg->dcc_timeout_s * 1000;
		if (at < t)
			t = at;
	}
	return t;
}

static const char *
state_word(const struct xfer *x)
{
	switch (x->st) {
	case X_OFFERED: return "offered to you";
	case X_LISTENING: return x->out ? "waiting for them" : "waiting for them to connect";
	case X_RESUMING: return "asking to resume";
	case X_CONNECTING: return "connecting";
	case X_ACTIVE: return x->out ? "sending" : "receiving";
	default: return "over";
	}
}

/* "[#####     ]  50% 1.2 MB/s 0:12 left" for one transfer. */
static void
bar(const struct xfer *x, char *buf, size_t cap, int64_t now)
{
	char rate[32];
	int pct = x->size > 0 ? (int)(x->pos * 100 / x->size) : 0;
	int64_t ms = now - x->started > 0 ? now - x->started : 1;
	uint64_t bps = (x->pos - x->start) * 1000 / (uint64_t)ms;
	dcc_human_size(rate, sizeof rate, bps);
	long left = bps > 0 ? (long)((x->size - x->pos) / bps) : -1;
	char hashes[11];
	for (int i = 0; i < 10; i++)
		hashes[i] = i < pct / 10 ? '#' : ' ';
	hashes[10] = '\0';
	if (left >= 0)
		snprintf(buf, cap, "[%s] %3d%% %s/s %ld:%02ld left", hashes, pct, rate, left / 60,
		    left % 60);
	else
		snprintf(buf, cap, "[%s] %3d%%", hashes, pct);
}

void
dcc_list(struct dcc *d, int64_t now)
{
	char sz[32], b[96];
	if (d->n == 0) {
		say(d, "", false, "No transfers and no offers (/send NICK FILE offers one)");
		return;
	}
	for (int i = 0; i < d->n; i++) {
		const struct xfer *x = d->x[i];
		dcc_human_size(sz, sizeof sz, x->size);
		b[0] = '\0';
		if (x->st == X_ACTIVE)
			bar(x, b, sizeof b, now);
		say(d, "", false, "%d: %s %s %s %s (%s), %s %s", x->id, x->out ? "to" : "from",
		    x->nick, x->out ? "<-" : "->", x->shown, sz, state_word(x), b);
	}
}

void
dcc_cancel(struct dcc *d, int id)
{
	for (int i = 0; i < d->n; i++) {
		if (d->x[i]->id == id) {
			say(d, d->x[i]->nick, false, "Cancelled %s %s %s", d->x[i]->shown,
			    d->x[i]->out ? "to" : "from", d->x[i]->nick);
			finish(d->x[i]);
			reap(d);
			return;
		}
	}
	say(d, "", false, "No transfer %d (/transfers lists them)", id);
}

bool
dcc_progress(const struct dcc *d, char *buf, size_t cap, int64_t now)
{
	for (int i = 0; i < d->n; i++) {
		const struct xfer *x = d->x[i];
		if (x->st == X_ACTIVE) {
			char b[96];
			bar(x, b, sizeof b, now);
			snprintf(buf, cap, "%s %s %s", x->shown, x->out ? "to" : "from", x->nick);
			snprintf(buf + strlen(buf), cap - strlen(buf), " %s", b);
			return true;
		}
	}
	return false;
}
