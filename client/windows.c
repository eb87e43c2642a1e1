#include "client/windows.h"

#include <stdlib.h>
#include <string.h>

#include "common/ircmsg.h"
#include "common/util.h"

static struct win *
win_new(struct win_list *l, enum win_kind kind, const char *name)
{
	struct win *w = xcalloc(1, sizeof *w);
	w->id = ++l->next_id;
	w->kind = kind;
	str_copy(w->name, name, sizeof w->name);
	sb_init(&w->sb, l->lines);
	return w;
}

static void
win_destroy(struct win *w)
{
	sb_free(&w->sb);
	ed_saved_free(&w->input);
	free(w);
}

void
win_init(struct win_list *l, size_t lines)
{
	memset(l, 0, sizeof *l);
	l->lines = lines;
	l->w[0] = win_new(l, WIN_SERVER, "");
	l->n = 1;
}

void
win_free(struct win_list *l)
{
	for (int i = 0; i < l->n; i++)
		win_destroy(l->w[i]);
	l->n = 0;
}

struct win *
win_get(const struct win_list *l, int i)
{
	return i >= 0 && i < l->n ? l->w[i] : NULL;
}

struct win *
win_current(const struct win_list *l)
{
	return win_get(l, l->cur);
}

int
win_find(const struct win_list *l, const char *name)
{
	for (int i = 1; i < l->n; i++)
		if (irc_casecmp(l->w[i]->name, name) == 0)
			return i;
	return -1;
}

int
win_find_id(const struct win_list *l, unsigned id)
{
	for (int i = 0; i < l->n; i++)
		if (l->w[i]->id == id)
			return i;
	return -1;
}

int
win_open(struct win_list *l, enum win_kind kind, const char *name)
{
	int i = win_find(l, name);
	if (i >= 0)
		return i;
	if (l->n == WINDOWS_MAX || kind == WIN_SERVER || name[0] == '\0')
		return -1;
	l->w[l->n] = win_new(l, kind, name);
	l->seq++;
	if (l->on_open != NULL)
		l->on_open(l->on_open_arg, l->w[l->n]);
	return l->n++;
}

bool
win_close(struct win_list *l, int i)
{
	if (i <= 0 || i >= l->n)
		return false;
	win_destroy(l->w[i]);
	memmove(&l->w[i], &l->w[i + 1], (size_t)(l->n - i - 1) * sizeof l->w[0]);
	l->n--;
	/* The window before the closed one is shown, as irssi does; others keep theirs. */
	if (l->cur >= i)
		l->cur--;
	if (l->cur < 0)
		l->cur = 0;
	l->w[l->cur]->act = WIN_ACT_NONE;
	l->seq++;
	return true;
}

bool
win_select(struct win_list *l, int i)
{
	if (i < 0 || i >= l->n)
		return false;
	l->cur = i;
	l->w[i]->act = WIN_ACT_NONE;
	l->seq++;
	return true;
}

void
win_step(struct win_list *l, int dir)
{
	win_select(l, ((l->cur + dir) % l->n + l->n) % l->n);
}

void
win_mark(struct win_list *l, int i, enum win_act a)
{
	if (i < 0 || i >= l->n || i == l->cur || l->w[i]->act >= a)
		return;
	l->w[i]->act = a;
	l->seq++;
}

void
win_rename(struct win_list *l, int i, const char *name)
{
	int other = win_find(l, name);
	if (i <= 0 || i >= l->n || (other >= 0 && other != i))
		return;
	str_copy(l->w[i]->name, name, sizeof l->w[i]->name);
	l->seq++;
}

char
win_act_mark(enum win_act a)
{
	switch (a) {
	case WIN_ACT_MSG:
		return '+';
	case WIN_ACT_PRIVATE:
		return '*';
	case WIN_ACT_HIGHLIGHT:
		return '!';
	default:
		return ' ';
	}
}
