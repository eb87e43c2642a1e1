/*
 * motd: the message of the day, read from a file into srv.motd as lines ready to send.
 *
 * A file that cannot be read leaves the server without a MOTD (clients get 422) and is
 * logged as a warning, whether it was named with --motd or is the installed default.
 */
#ifndef LANCHAT_MOTD_H
#define LANCHAT_MOTD_H

/* The installed motd.txt, used when no motd is configured. */
const char *motd_default_path(void);
/* Reads path (NULL: the default) and replaces srv.motd with its lines. */
void motd_load(const char *path);

#endif
