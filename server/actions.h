/*
 * actions: what users do, shared by both dialects: register, join, part, say to a channel
 * or a user, change nick, set a topic, change channel modes, kick, invite, go away, quit,
 * set +i, and the teardown a closed
 * connection needs. Each checks what it must, changes the registries and relays the event
 * to everyone concerned; it answers the actor only through its return value (an enum
 * num_error), which commands.c renders as a numeric and plain.c as a sentence.
 */
#ifndef LANCHAT_ACTIONS_H
#define LANCHAT_ACTIONS_H

#include <stdbool.h>

#include "common/limits.h"
#include "server/numerics.h"

struct conn;
struct channel;

/* Counts c as a user (welcome sent, or plain text started). */
void act_register(struct conn *c);
/* NUM_OK, or why c cannot take nick (no nick, erroneous, in use by someone else). */
enum num_error act_check_nick(const struct conn *c, const char *nick);
/* Changes a registered user's nick (already checked), telling everyone concerned. */
void act_change_nick(struct conn *c, const char *nick);
/*
 * Joins and announces, past the channel's bans (474), +i (473), +k (475, key may be NULL)
 * and +l (471), which an invitation lifts once. The first member of a new channel gets +o,
 * but in the plain users' channel, where nobody holds ops unless given them. *joined is
 * the channel when c was added, NULL when c was already in it or on error.
 */
enum num_error act_join(struct conn *c, const char *name, const char *key, struct channel **joined);
/* Parts one channel by name, announcing it; reason may be NULL. */
enum num_error act_part(struct conn *c, const char *name, const char *reason);
/* Parts every channel c is in. */
void act_part_all(struct conn *c, const char *reason);
/* How act_say sends text: split as plain text, split as a CTCP ACTION, or exactly as is. */
enum act_say_form { ACT_SAY_TEXT, ACT_SAY_ACTION, ACT_SAY_VERBATIM };

/*
 * PRIVMSG (or NOTICE) to one channel or nick, in as many messages as the wire needs (but
 * ACT_SAY_VERBATIM: one). When the target is a user who is away and this is no notice,
 * *away_of is that user (for the dialect to say so), else NULL.
 */
enum num_error act_say(struct conn *c, const char *target, const char *text, bool notice,
    enum act_say_form form, const struct conn **away_of);
/* Sets (or with "" clears) a channel's topic; c must be in it (and an operator under +t). */
enum num_error act_set_topic(struct conn *c, const char *name, const char *topic);
enum { ACT_MODE_ERRORS_MAX = 16 };

/* What one MODE line did: the errors to report, the lists asked for, what was applied. */
struct act_mode_result {
	struct {
		enum num_error e;
		char letter;
		char arg[CHAN_MASK_LEN + 1]; /* the nick, mask or key the error is about */
	} err[ACT_MODE_ERRORS_MAX];
	int nerr;
	char lists[4];              /* b e I lists to show, each once */
	char applied[IRC_LINE_MAX]; /* the changes made, as relayed ("+o bob"), or "" */
};

/*
 * Changes a channel's modes (a channel operator's, or a server operator's, privilege) and
 * relays the changes that took effect as one MODE line. NUM_NO_SUCH_CHANNEL, else NUM_OK
 * with the details in *res (482 once for a non-operator, 472, 401, 441, 467, 478, 696).
 */
enum num_error act_mode(struct conn *c, const char *name, const char *modes, int nargs,
    const char *const *args, struct act_mode_result *res);
/*
 * Removes nick from the channel with reason (NULL or "": the kicker's nick). Errors: 403,
 * 442 (c not in it), 482, 401 (no such nick), 441 (nick not in it).
 */
enum num_error act_kick(struct conn *c, const char *name, const char *nick, const char *reason);
/*
 * Invites nick to a channel: it may then join once past +i, +k and +l. Tells the invitee
 * and members with invite-notify. Errors: 401, 403, 442, 482 (+i and not an operator),
 * 443 (already in it).
 */
enum num_error act_invite(struct conn *c, const char *nick, const char *name);
/* Marks c away with text cut to AWAY_LEN, or back when text is NULL or empty; returns away. */
bool act_away(struct conn *c, const char *text);
/* User mode +i on or off; returns whether it changed. */
bool act_set_invisible(struct conn *c, bool on);
/*
 * Undoes act_register for a user who turns out to be someone else (a guest who is an IRC
 * client after all): peers see a QUIT with reason, c leaves its channels and its nick.
 */
void act_unregister(struct conn *c, const char *reason);
/* A new guest nick for c (someone else's nick it may not keep), told to everyone concerned. */
void act_rename_guest(struct conn *c);
/* c, logged in, asks for nick, its account's: whoever else holds it is renamed first. */
void act_reclaim(struct conn *c, const char *nick);
/*
 * c logs in as account name (checked already; how names the way, for the log): its nick back
 * from whoever holds it, 900 (or a sentence), ACCOUNT to peers who asked for account-notify,
 * and the private messages kept for it.
 */
void act_login(struct conn *c, const char *name, const char *how);
/* Leaves with "Quit: reason" (a default when reason is NULL or empty). */
void act_quit(struct conn *c, const char *reason);
/*
 * What a closed connection leaves behind: QUIT to its peers (reason from c->reason), out of
 * every channel, its nick free again, the user counts right. Sends nothing to c.
 */
void act_teardown(struct conn *c);
/* Like act_teardown for server shutdown: nobody is told (everyone is leaving). */
void act_teardown_quiet(struct conn *c);

#endif
