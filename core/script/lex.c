/* SPDX-License-Identifier: GPL-2.0-or-later
 * Lexer of the routing language (docs/routing-language.md, "Lexical
 * structure"). Hand-written, one token per call; the regex/division and
 * newline rules are explained in lex.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "script/lex.h"

enum { OPND = 1, CONT = 2, KW = 4 };

static const struct {
	const char *spelling;
	unsigned cls;
} toks[TDM_SCR_T__COUNT] = {
#define TDM_SCR_TOK(name, spelling, cls) [TDM_SCR_T_##name] = { spelling, cls },
#include "script/tok.def"
#undef TDM_SCR_TOK
};

/* Strings inside "${...}" inside strings ... deeper than this are refused
 * (bounds the recursion of the brace scanner). */
#define MAX_STRING_NEST 16

const char *tdm_scr_tok_spelling(enum tdm_scr_tok_kind k)
{
	return (unsigned)k < TDM_SCR_T__COUNT ? toks[k].spelling : "?";
}

const char *tdm_scr_tok_describe(const struct tdm_scr_tok *t, char *buf,
				 size_t size)
{
	switch (t->kind) {
	case TDM_SCR_T_EOF:
	case TDM_SCR_T_NEWLINE:
		snprintf(buf, size, "%s", toks[t->kind].spelling);
		break;
	case TDM_SCR_T_STRING:
		snprintf(buf, size, "a string");
		break;
	case TDM_SCR_T_REGEX:
		snprintf(buf, size, "a regex");
		break;
	default:
		if (t->text.len > 24)
			snprintf(buf, size, "'%.21s...'", t->text.s);
		else
			snprintf(buf, size, "'%.*s'", TDM_STR_FMT(&t->text));
	}
	return buf;
}

static void init_common(struct tdm_scr_lexer *lx, const char *file,
			const char *src, struct tdm_arena *a,
			struct tdm_scr_diag *d)
{
	memset(lx, 0, sizeof(*lx));
	lx->file = file;
	lx->src = src;
	lx->a = a;
	lx->d = d;
	lx->line = 1;
	/* As after a line end: leading newlines vanish, '/' is a regex. */
	lx->prev = TDM_SCR_T_NEWLINE;
}

void tdm_scr_lex_init(struct tdm_scr_lexer *lx, const char *file,
		      const char *src, size_t len, struct tdm_arena *a,
		      struct tdm_scr_diag *d)
{
	init_common(lx, file, src, a, d);
	lx->end = len;
	/* A UTF-8 byte order mark is skipped (columns still count it). */
	if (len >= 3 && memcmp(src, "\xef\xbb\xbf", 3) == 0)
		lx->pos = 3;
}

void tdm_scr_lex_init_range(struct tdm_scr_lexer *lx, const char *file,
			    const char *src, size_t start, size_t end,
			    uint32_t line, uint32_t col, struct tdm_arena *a,
			    struct tdm_scr_diag *d)
{
	init_common(lx, file, src, a, d);
	lx->pos = start;
	lx->end = end;
	lx->line = line;
	lx->line_start = start - (col - 1);
}

void tdm_scr_lex_reset_nesting(struct tdm_scr_lexer *lx)
{
	lx->depth = 0;
}

static uint32_t col_of(const struct tdm_scr_lexer *lx, size_t off)
{
	return (uint32_t)(off - lx->line_start + 1);
}

static struct tdm_scr_pos pos_of(const struct tdm_scr_lexer *lx, size_t off)
{
	return (struct tdm_scr_pos){ lx->file, lx->line, col_of(lx, off) };
}

static void error_at(struct tdm_scr_lexer *lx, size_t off, const char *fmt,
		     ...) TDM_PRINTF(3, 4);
static void error_at(struct tdm_scr_lexer *lx, size_t off, const char *fmt,
		     ...)
{
	struct tdm_scr_pos p = pos_of(lx, off);
	va_list ap;

	va_start(ap, fmt);
	tdm_scr_diag_report(lx->d, TDM_SCR_ERROR, &p, fmt, ap);
	va_end(ap);
}

static bool is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_ident(char c)
{
	return is_ident_start(c) || is_digit(c);
}

/* Blanks and comments on the current line; stops at '\n' or the end. */
static void skip_blank(struct tdm_scr_lexer *lx)
{
	while (lx->pos < lx->end) {
		char c = lx->src[lx->pos];

		if (c == ' ' || c == '\t' || c == '\r') {
			lx->pos++;
		} else if (c == '#') {
			const char *nl = memchr(lx->src + lx->pos, '\n',
						lx->end - lx->pos);
			lx->pos = nl ? (size_t)(nl - lx->src) : lx->end;
		} else {
			break;
		}
	}
}

static void newline(struct tdm_scr_lexer *lx)
{
	lx->pos++;
	lx->line++;
	lx->line_start = lx->pos;
}

/* If only blanks, comments and line ends stand between here and the
 * keyword `else`, move there and return true. */
static bool skip_to_else(struct tdm_scr_lexer *lx)
{
	struct tdm_scr_lexer save = *lx;

	for (;;) {
		skip_blank(lx);
		if (lx->pos < lx->end && lx->src[lx->pos] == '\n') {
			newline(lx);
			continue;
		}
		break;
	}
	if (lx->end - lx->pos >= 4 && memcmp(lx->src + lx->pos, "else", 4) == 0 &&
	    (lx->end - lx->pos == 4 || !is_ident(lx->src[lx->pos + 4])))
		return true;
	*lx = save;
	return false;
}

/* Position of the end of input: after the last line's text (rather than
 * on an empty line past a final '\n'), so "found end of file" shows the
 * last line. */
static struct tdm_scr_pos eof_pos(const struct tdm_scr_lexer *lx)
{
	size_t e = lx->end, start;
	uint32_t line = lx->line;

	if (e > 0 && lx->line_start == e && lx->src[e - 1] == '\n' &&
	    line > 1) {
		e--;
		if (e > 0 && lx->src[e - 1] == '\r')
			e--;
		start = e;
		while (start > 0 && lx->src[start - 1] != '\n')
			start--;
		return (struct tdm_scr_pos){ lx->file, line - 1,
					     (uint32_t)(e - start + 1) };
	}
	return pos_of(lx, e);
}

static void lex_word(struct tdm_scr_lexer *lx, struct tdm_scr_tok *t)
{
	size_t start = lx->pos, n;

	while (lx->pos < lx->end && is_ident(lx->src[lx->pos]))
		lx->pos++;
	n = lx->pos - start;
	t->kind = TDM_SCR_T_IDENT;
	for (int k = TDM_SCR_T_KW_FIRST; k <= TDM_SCR_T_KW_LAST; k++) {
		const char *w = toks[k].spelling;

		if (strlen(w) == n && memcmp(w, lx->src + start, n) == 0) {
			t->kind = (enum tdm_scr_tok_kind)k;
			break;
		}
	}
}

/* Decimal, 0 .. 2^63: 2^63 is allowed here so that the parser can accept
 * -9223372036854775808 (a '-' applied to the literal). */
static void lex_int(struct tdm_scr_lexer *lx, struct tdm_scr_tok *t)
{
	size_t start = lx->pos;
	uint64_t v = 0;
	bool big = false;

	while (lx->pos < lx->end && is_digit(lx->src[lx->pos])) {
		unsigned dgt = (unsigned)(lx->src[lx->pos++] - '0');

		if (v > (UINT64_C(1) << 63) / 10 ||
		    v * 10 + dgt > (UINT64_C(1) << 63))
			big = true;
		else
			v = v * 10 + dgt;
	}
	if (lx->pos < lx->end && is_ident(lx->src[lx->pos])) {
		while (lx->pos < lx->end && is_ident(lx->src[lx->pos]))
			lx->pos++;
		error_at(lx, start, "invalid number '%.*s'",
			 (int)(lx->pos - start), lx->src + start);
		t->kind = TDM_SCR_T_ERROR;
		return;
	}
	if (big) {
		error_at(lx, start, "integer literal out of range");
		t->kind = TDM_SCR_T_ERROR;
		return;
	}
	t->kind = TDM_SCR_T_INT;
	t->u.i = v;
}

static size_t skip_nested_string(struct tdm_scr_lexer *lx, size_t i,
				 size_t eol);

/* From just after "${": the offset of the '}' that closes it, or end-of-
 * line offset `eol` when it is unterminated (or nested too deeply). */
static size_t interp_end(struct tdm_scr_lexer *lx, size_t i, size_t eol)
{
	unsigned depth = 0;

	while (i < eol) {
		char c = lx->src[i];

		if (c == '"') {
			i = skip_nested_string(lx, i, eol);
			continue;
		}
		if (c == '}') {
			if (depth == 0)
				return i;
			depth--;
		} else if (c == '{') {
			depth++;
		}
		i++;
	}
	return eol;
}

/* From a '"' inside "${...}": the offset after its closing '"', or eol. */
static size_t skip_nested_string(struct tdm_scr_lexer *lx, size_t i,
				 size_t eol)
{
	if (++lx->nest > MAX_STRING_NEST) {
		lx->nest--;
		return eol;
	}
	for (i++; i < eol;) {
		char c = lx->src[i];

		if (c == '\\') {
			i += 2;
		} else if (c == '"') {
			i++;
			break;
		} else if (c == '$' && i + 1 < eol && lx->src[i + 1] == '{') {
			i = interp_end(lx, i + 2, eol);
			if (i < eol)
				i++;
		} else {
			i++;
		}
	}
	lx->nest--;
	return i < eol ? i : eol;
}

struct strbuild {
	char *buf;      /* decoded text of the whole string (arena) */
	size_t n;       /* bytes decoded */
	size_t tstart;  /* start in buf of the pending text part */
	size_t tsrc;    /* source offset where that part starts */
	struct tdm_scr_lpart *head, **tail;
	bool bad;       /* an error was reported: the token is TDM_SCR_T_ERROR */
};

static int add_part(struct tdm_scr_lexer *lx, struct strbuild *sb,
		    bool is_expr, const char *s, size_t len, size_t src_off)
{
	struct tdm_scr_lpart *p = tdm_arena_zalloc(lx->a, sizeof(*p));

	if (!p) {
		lx->nomem = true;
		return -ENOMEM;
	}
	p->is_expr = is_expr;
	p->text = (struct tdm_str){ s, len };
	p->line = lx->line;
	p->col = col_of(lx, src_off);
	*sb->tail = p;
	sb->tail = &p->next;
	return 0;
}

static int flush_text(struct tdm_scr_lexer *lx, struct strbuild *sb)
{
	int err = 0;

	if (sb->n > sb->tstart)
		err = add_part(lx, sb, false, sb->buf + sb->tstart,
			       sb->n - sb->tstart, sb->tsrc);
	sb->tstart = sb->n;
	return err;
}

static char unescape(char e)
{
	switch (e) {
	case '"': return '"';
	case '\\': return '\\';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case '$': return '$';
	default: return 0;
	}
}

/* "${expr}" at lx->pos: records an expression part. false on error. */
static bool lex_interp(struct tdm_scr_lexer *lx, struct strbuild *sb,
		       size_t eol)
{
	size_t open = lx->pos, from = open + 2, close, i;

	if (flush_text(lx, sb))
		return false;
	close = interp_end(lx, from, eol);
	if (close >= eol) {
		error_at(lx, open, "unterminated '${' in string");
		return false;
	}
	for (i = from; i < close && (lx->src[i] == ' ' || lx->src[i] == '\t');)
		i++;
	lx->pos = close + 1;
	sb->tsrc = lx->pos;
	if (i == close) {
		error_at(lx, open, "empty '${}' in string");
		sb->bad = true;
		return true; /* keep lexing the string; the token is bad */
	}
	return add_part(lx, sb, true, lx->src + from, close - from, from) == 0;
}

static void lex_string(struct tdm_scr_lexer *lx, struct tdm_scr_tok *t)
{
	size_t start = lx->pos, eol;
	const char *nl;
	struct strbuild sb = { 0 };

	nl = memchr(lx->src + start, '\n', lx->end - start);
	eol = nl ? (size_t)(nl - lx->src) : lx->end;
	t->kind = TDM_SCR_T_ERROR;
	sb.buf = tdm_arena_alloc(lx->a, eol - start);
	sb.tail = &sb.head;
	if (!sb.buf) {
		lx->nomem = true;
		lx->pos = eol;
		return;
	}
	sb.tsrc = ++lx->pos;
	for (;;) {
		char c;

		if (lx->pos >= eol) {
			error_at(lx, start, "unterminated string");
			return;
		}
		c = lx->src[lx->pos];
		if (c == '"') {
			lx->pos++;
			break;
		}
		if (c == '\\' && lx->pos + 1 < eol) {
			char e = unescape(lx->src[lx->pos + 1]);

			if (!e) {
				unsigned char b = (unsigned char)lx->src[lx->pos + 1];

				if (b > ' ' && b < 0x7f)
					error_at(lx, lx->pos,
						 "unknown escape '\\%c' in string", b);
				else
					error_at(lx, lx->pos,
						 "unknown escape in string");
				sb.bad = true;
			}
			sb.buf[sb.n++] = e;
			lx->pos += 2;
		} else if (c == '$' && lx->pos + 1 < eol &&
			   lx->src[lx->pos + 1] == '{') {
			if (!lex_interp(lx, &sb, eol)) {
				lx->pos = eol;
				return;
			}
		} else {
			sb.buf[sb.n++] = c;
			lx->pos++;
		}
	}
	if (flush_text(lx, &sb))
		return;
	if (!sb.bad) {
		t->kind = TDM_SCR_T_STRING;
		t->u.parts = sb.head;
	}
}

static void lex_regex(struct tdm_scr_lexer *lx, struct tdm_scr_tok *t)
{
	size_t start = lx->pos, i = start + 1;
	bool bad = false;

	while (i < lx->end && lx->src[i] != '\n' && lx->src[i] != '/')
		i += (lx->src[i] == '\\' && i + 1 < lx->end &&
		      lx->src[i + 1] != '\n') ? 2 : 1;
	if (i >= lx->end || lx->src[i] != '/') {
		error_at(lx, start, "unterminated regex");
		lx->pos = i;
		t->kind = TDM_SCR_T_ERROR;
		return;
	}
	t->u.re.pattern = (struct tdm_str){ lx->src + start + 1, i - start - 1 };
	t->u.re.flags = 0;
	for (lx->pos = i + 1; lx->pos < lx->end && is_ident(lx->src[lx->pos]);
	     lx->pos++) {
		char f = lx->src[lx->pos];

		if (f == 'i')
			t->u.re.flags |= TDM_SCR_RE_I;
		else if (f == 'x')
			t->u.re.flags |= TDM_SCR_RE_X;
		else if (f == 's')
			t->u.re.flags |= TDM_SCR_RE_S;
		else if (f == 'm')
			t->u.re.flags |= TDM_SCR_RE_M;
		else {
			error_at(lx, lx->pos, "unknown regex flag '%c'", f);
			bad = true;
		}
	}
	t->kind = bad ? TDM_SCR_T_ERROR : TDM_SCR_T_REGEX;
}

/* Operators and punctuation; two-byte ones first. */
static enum tdm_scr_tok_kind lex_punct(struct tdm_scr_lexer *lx)
{
	static const struct {
		char s[3];
		enum tdm_scr_tok_kind k;
	} two[] = {
		{ "==", TDM_SCR_T_EQ }, { "=>", TDM_SCR_T_ARROW },
		{ "=~", TDM_SCR_T_MATCHOP }, { "!=", TDM_SCR_T_NE },
		{ "!~", TDM_SCR_T_NMATCHOP }, { "<=", TDM_SCR_T_LE },
		{ ">=", TDM_SCR_T_GE }, { "&&", TDM_SCR_T_ANDAND },
		{ "||", TDM_SCR_T_OROR },
	};
	static const char one[] = "{}()[],.=!<>+-*/%;";
	static const enum tdm_scr_tok_kind onek[] = {
		TDM_SCR_T_LBRACE, TDM_SCR_T_RBRACE, TDM_SCR_T_LPAREN,
		TDM_SCR_T_RPAREN, TDM_SCR_T_LBRACKET, TDM_SCR_T_RBRACKET,
		TDM_SCR_T_COMMA, TDM_SCR_T_DOT, TDM_SCR_T_ASSIGN,
		TDM_SCR_T_NOT, TDM_SCR_T_LT, TDM_SCR_T_GT, TDM_SCR_T_PLUS,
		TDM_SCR_T_MINUS, TDM_SCR_T_STAR, TDM_SCR_T_SLASH,
		TDM_SCR_T_PERCENT, TDM_SCR_T_SEMI,
	};
	char c = lx->src[lx->pos];
	const char *p;

	if (lx->pos + 1 < lx->end) {
		for (size_t i = 0; i < TDM_ARRAY_SIZE(two); i++) {
			if (two[i].s[0] == c &&
			    two[i].s[1] == lx->src[lx->pos + 1]) {
				lx->pos += 2;
				return two[i].k;
			}
		}
	}
	p = c ? strchr(one, c) : NULL;
	if (p) {
		lx->pos++;
		return onek[p - one];
	}
	if (c == '&' || c == '|')
		error_at(lx, lx->pos,
			 "unexpected character '%c' (did you mean '%c%c'?)", c,
			 c, c);
	else if ((unsigned char)c > ' ' && (unsigned char)c < 0x7f)
		error_at(lx, lx->pos, "unexpected character '%c'", c);
	else
		error_at(lx, lx->pos, "unexpected byte 0x%02x",
			 (unsigned char)c);
	/* One error for a whole UTF-8 sequence. */
	lx->pos++;
	if ((unsigned char)c >= 0xc0)
		while (lx->pos < lx->end &&
		       ((unsigned char)lx->src[lx->pos] & 0xc0) == 0x80)
			lx->pos++;
	return TDM_SCR_T_ERROR;
}

static void track_nesting(struct tdm_scr_lexer *lx, enum tdm_scr_tok_kind k)
{
	switch (k) {
	case TDM_SCR_T_LPAREN:
	case TDM_SCR_T_LBRACKET:
		lx->depth++;
		break;
	case TDM_SCR_T_RPAREN:
	case TDM_SCR_T_RBRACKET:
		if (lx->depth)
			lx->depth--;
		break;
	case TDM_SCR_T_LBRACE:
	case TDM_SCR_T_RBRACE:
	case TDM_SCR_T_SEMI:
		lx->depth = 0;
		break;
	default:
		break;
	}
}

void tdm_scr_lex_next(struct tdm_scr_lexer *lx, struct tdm_scr_tok *t)
{
	size_t start;
	char c;

	memset(t, 0, sizeof(*t));
	for (;;) {
		skip_blank(lx);
		if (lx->nomem || lx->pos >= lx->end) {
			t->kind = TDM_SCR_T_EOF;
			t->pos = eof_pos(lx);
			t->text = (struct tdm_str){ lx->src + lx->end, 0 };
			return;
		}
		if (lx->src[lx->pos] != '\n')
			break;
		t->pos = pos_of(lx, lx->pos);
		t->text = (struct tdm_str){ lx->src + lx->pos, 1 };
		newline(lx);
		if (lx->depth || (toks[lx->prev].cls & CONT) ||
		    skip_to_else(lx))
			continue;
		t->kind = lx->prev = TDM_SCR_T_NEWLINE;
		return;
	}
	start = lx->pos;
	t->pos = pos_of(lx, start);
	c = lx->src[start];
	if (is_ident_start(c))
		lex_word(lx, t);
	else if (is_digit(c))
		lex_int(lx, t);
	else if (c == '"')
		lex_string(lx, t);
	else if (c == '/' && !(toks[lx->prev].cls & OPND))
		lex_regex(lx, t);
	else
		t->kind = lex_punct(lx);
	t->text = (struct tdm_str){ lx->src + start, lx->pos - start };
	track_nesting(lx, t->kind);
	/* After an error token, act as if an operand ended: the likeliest
	 * way to keep the next tokens meaningful. */
	lx->prev = t->kind == TDM_SCR_T_ERROR ? TDM_SCR_T_IDENT : t->kind;
}
