/* picnote.c - what a picture shows, written into the file for programs. */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include <zlib.h>

#include "buf.h"
#include "export.h"
#include "picnote.h"

static void
picnote_be32(struct buf *b, uint32_t v)
{
	unsigned char x[4] = { v >> 24, v >> 16 & 0xff, v >> 8 & 0xff,
	    v & 0xff };

	buf_add(b, x, 4);
}

/*
 * One iTXt chunk (PNG 1.2, 11.3.4.5): keyword, NUL, not compressed,
 * method 0, no language tag, NUL, no translated keyword, NUL, the text.
 * Its CRC is zlib's CRC-32 over type and data.
 */
static void
picnote_itxt(struct buf *out, const char *key, const char *text)
{
	struct buf chunk = BUF_INIT;

	buf_puts(&chunk, "iTXt");
	buf_puts(&chunk, key);
	buf_add(&chunk, "\0\0\0\0\0", 5);
	buf_puts(&chunk, text);
	if (!buf_failed(&chunk)) {
		picnote_be32(out, (uint32_t)(chunk.len - 4));
		buf_add(out, chunk.data, chunk.len);
		picnote_be32(out, (uint32_t)crc32(0,
		    (const Bytef *)chunk.data, (uInt)chunk.len));
	}
	buf_free(&chunk);
}

void
picnote_add(int svg, const char *title, const char *desc,
    const struct buf *pic, struct buf *out)
{
	static const unsigned char iend[8] = { 0, 0, 0, 0, 'I', 'E', 'N',
	    'D' };
	const char *tag, *gt;
	size_t at;

	if (svg) {
		tag = pic->len > 0 ? strstr(pic->data, "<svg") : NULL;
		gt = tag != NULL ? strchr(tag, '>') : NULL;
		if (gt == NULL) {
			buf_add(out, pic->data, pic->len);
			return;
		}
		at = (size_t)(gt + 1 - pic->data);
		buf_add(out, pic->data, at);
		if (title != NULL) {
			buf_puts(out, "\n<title>");
			export_xml_text(out, title);
			buf_puts(out, "</title>");
		}
		if (desc != NULL) {
			buf_puts(out, "\n<desc>");
			export_xml_text(out, desc);
			buf_puts(out, "</desc>");
		}
		buf_add(out, pic->data + at, pic->len - at);
		return;
	}
	if (pic->len < 8 + 12 || memcmp(pic->data + pic->len - 12, iend,
	    sizeof(iend)) != 0) {
		buf_add(out, pic->data, pic->len);
		return;
	}
	at = pic->len - 12;
	buf_add(out, pic->data, at);
	if (title != NULL)
		picnote_itxt(out, "Title", title);
	if (desc != NULL)
		picnote_itxt(out, "Description", desc);
	buf_add(out, pic->data + at, 12);
}
