#include "server/info.h"

#include <stdio.h>
#include <time.h>

#include "common/ircmsg.h"
#include "common/limits.h"
#include "server/archive.h"
#include "server/conn.h"
#include "server/modes.h"
#include "server/numerics.h"
#include "server/server.h"

static void
send_motd(struct conn *c)
{
	if (srv.motd_lines == 0) {
		num_reply(c, NUM_NO_MOTD, NULL);
		return;
	}
	conn_reply(c, "375", ":- %s Message of the day - ", srv.cfg.name);
	for (int i = 0; i < srv.motd_lines; i++)
		conn_reply(c, "372", ":- %s", srv.motd[i]);
	conn_reply(c, "376", ":End of /MOTD command.");
}

static const char *
plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void
send_lusers(struct conn *c)
{
	size_t unknown = srv.nconns - srv.nusers, visible = srv.nusers - srv.ninvisible;

	/* Counted as modes change, not scanned: every registration sends LUSERS. */
	conn_reply(c, "251", ":There %s %zu %s and %zu invisible on 1 server",
	    plural(visible, "is", "are"), visible, plural(visible, "user", "users"),
	    srv.ninvisible);
	conn_reply(c, "252", "0 :operator(s) online");
	conn_reply(c, "253", "%zu :unknown connection(s)", unknown);
	conn_reply(c, "254", "%zu :%s formed", srv.channels.len,
	    plural(srv.channels.len, "channel", "channels"));
	conn_reply(c, "255", ":I have %zu %s and 0 servers", srv.nusers,
	    plural(srv.nusers, "client", "clients"));
}

/* 005: only what the server does; CHANMODES lists exactly the modes of modes.c. */
static void
send_isupport(struct conn *c)
{
	conn_reply(c, "005",
	    "AWAYLEN=%d CASEMAPPING=ascii CHANLIMIT=#:%d CHANMODES=%s CHANNELLEN=%d "
	    "CHANTYPES=# EXCEPTS=e HOSTLEN=%d INVEX=I KEYLEN=%d KICKLEN=%d LINELEN=%d "
	    ":are supported by this server",
	    AWAY_LEN, CHANNELS_PER_CLIENT, MODE_CHANMODES, CHANNEL_LEN, HOST_LEN, CHAN_KEY_LEN,
	    KICK_REASON_LEN, IRC_LINE_MAX);
	conn_reply(c, "005",
	    "MAXLIST=beI:%d MAXTARGETS=%d MODES=%d NETWORK=lanchat NICKLEN=%d PREFIX=(ov)@+ "
	    "TARGMAX=PRIVMSG:%d,NOTICE:%d,JOIN:%d,PART:%d,KICK:%d TOPICLEN=%d USERLEN=%d "
	    ":are supported by this server",
	    CHAN_LIST_MAX, TARGETS_MAX, CHAN_MODES_PER_LINE, NICK_LEN, TARGETS_MAX, TARGETS_MAX,
	    TARGETS_MAX, TARGETS_MAX, TARGETS_MAX, TOPIC_LEN, USER_LEN);
	if (arc_on())
		conn_reply(c, "005",
		    "CHATHISTORY=%d MSGREFTYPES=timestamp,msgid :are supported by this server",
		    CHATHISTORY_MAX);
}

int
info_lusers(struct conn *c, struct irc_msg *m)
{
	(void)m;
	send_lusers(c);
	return 0;
}

int
info_motd(struct conn *c, struct irc_msg *m)
{
	(void)m;
	send_motd(c);
	return 0;
}

int
info_version(struct conn *c, struct irc_msg *m)
{
	(void)m;
	conn_reply(
	    c, "351", "lanchat-%s. %s :poll() LAN chat server", LANCHAT_VERSION, srv.cfg.name);
	send_isupport(c);
	return 0;
}

int
info_time(struct conn *c, struct irc_msg *m)
{
	char buf[64];
	time_t now = time(NULL);
	struct tm tm;

	(void)m;
	localtime_r(&now, &tm);
	strftime(buf, sizeof buf, "%A %B %d %Y -- %H:%M:%S %z", &tm);
	conn_reply(c, "391", "%s :%s", srv.cfg.name, buf);
	return 0;
}

void
info_welcome(struct conn *c, const char *pfx)
{
	conn_reply(c, "001", ":Welcome to the lanchat network, %s", pfx);
	conn_reply(c, "002", ":Your host is %s, running version lanchat-%s", srv.cfg.name,
	    LANCHAT_VERSION);
	conn_reply(c, "003", ":This server was created %s", srv.created);
	conn_reply(c, "004", "%s lanchat-%s i %s", srv.cfg.name, LANCHAT_VERSION, MODE_LETTERS);
	send_isupport(c);
	send_lusers(c);
	send_motd(c);
}
