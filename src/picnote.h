/* picnote.h - what a picture shows, written into the file for programs. */
#ifndef IPGRAPH_PICNOTE_H
#define IPGRAPH_PICNOTE_H

struct buf;

/*
 * Append the picture pic (a whole SVG or PNG as cairo wrote it) to out
 * with title and desc (UTF-8; desc may hold several lines) in it: in an
 * SVG a <title> and a <desc> after the <svg> tag, in a PNG iTXt chunks
 * "Title" and "Description" before IEND.  Either may be NULL.  cairo has
 * no call for either; a picture not shaped as expected, or a failed
 * allocation, leaves pic appended as it is.
 */
void	picnote_add(int svg, const char *title, const char *desc,
	    const struct buf *pic, struct buf *out);

#endif /* IPGRAPH_PICNOTE_H */
