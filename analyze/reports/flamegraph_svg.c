// SPDX-License-Identifier: GPL-2.0-only
/* flamegraph_svg.c - SVG flame graph rendering (see flamegraph_svg.h). */
#include "flamegraph_svg.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "text_escape.h"

#define IMAGE_WIDTH 1200.0
#define SIDE_PAD 10.0
#define FRAME_HEIGHT 16
#define TOP_PAD 48
#define BOTTOM_PAD 24
#define FONT_SIZE 12
#define CHAR_WIDTH 7.2  /* average advance of FONT_SIZE Verdana: labels are cut to fit */
#define MIN_WIDTH 0.1   /* narrower boxes are not drawn: invisible, and they bloat the file */

struct flame_node {
	char *name;
	uint64_t value;
	struct flame_node *children;
	size_t child_count;
	size_t child_cap;
};

struct flamegraph {
	struct flame_node root;
	size_t max_depth;
};

struct flamegraph *flamegraph_new(void)
{
	struct flamegraph *fg = calloc(1, sizeof(*fg));

	if (!fg)
		return NULL;
	fg->root.name = strdup("all");
	if (!fg->root.name) {
		free(fg);
		return NULL;
	}
	return fg;
}

static void node_release(struct flame_node *n)
{
	for (size_t i = 0; i < n->child_count; i++)
		node_release(&n->children[i]);
	free(n->children);
	free(n->name);
}

void flamegraph_free(struct flamegraph *fg)
{
	if (!fg)
		return;
	node_release(&fg->root);
	free(fg);
}

uint64_t flamegraph_total(const struct flamegraph *fg)
{
	return fg->root.value;
}

static struct flame_node *child(struct flame_node *n, const char *name)
{
	struct flame_node *c;

	for (size_t i = n->child_count; i-- > 0;)
		if (!strcmp(n->children[i].name, name))
			return &n->children[i];
	if (n->child_count == n->child_cap) {
		size_t cap = n->child_cap ? n->child_cap * 2 : 4;

		c = realloc(n->children, cap * sizeof(*c));
		if (!c)
			return NULL;
		n->children = c;
		n->child_cap = cap;
	}
	c = &n->children[n->child_count];
	*c = (struct flame_node){ .name = strdup(name ? name : "") };
	if (!c->name)
		return NULL;
	n->child_count++;
	return c;
}

int flamegraph_add(struct flamegraph *fg, const char *const *frames, size_t depth,
		   uint64_t count)
{
	struct flame_node *n = &fg->root;

	n->value += count;
	for (size_t i = 0; i < depth; i++) {
		n = child(n, frames[i] ? frames[i] : "[unknown]");
		if (!n)
			return -ENOMEM;
		n->value += count;
	}
	if (depth > fg->max_depth)
		fg->max_depth = depth;
	return 0;
}

static int compare_nodes(const void *a, const void *b)
{
	return strcmp(((const struct flame_node *)a)->name, ((const struct flame_node *)b)->name);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t len = strlen(s), n = strlen(suffix);

	return len >= n && !memcmp(s + len - n, suffix, n);
}

/* A stable hash of the name: the same frame gets the same colour in every graph. */
static unsigned int name_hash(const char *name)
{
	unsigned int h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

static void add_colour(struct strbuf *sb, const char *name, bool root)
{
	unsigned int h = name_hash(name);
	unsigned int v1 = h % 55, v2 = (h >> 8) % 55;

	if (root)
		strbuf_adds(sb, "rgb(200,200,200)");
	else if (ends_with(name, ":denied"))
		strbuf_addf(sb, "rgb(%u,%u,220)", 160 + v1 / 2, 90 + v2);
	else if (!strncmp(name, "CAP_", 4))
		strbuf_addf(sb, "rgb(%u,%u,235)", 80 + v1, 140 + v2);
	else if (ends_with(name, "_[k]"))
		strbuf_addf(sb, "rgb(%u,%u,%u)", 200 + v1, 120 + v2, 40 + v1 / 2);
	else
		strbuf_addf(sb, "rgb(%u,%u,%u)", 205 + v1, 80 + v2 * 2, 30 + v1 / 2);
}

/* Appends at most max_chars code points of name (escaped), ".." when cut. */
static void add_label(struct strbuf *sb, const char *name, size_t max_chars)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t chars = 0, total = 0;
	const unsigned char *cut = NULL;

	for (const unsigned char *q = p; *q; total++) {
		int n = utf8_sequence_length(q);

		if (total == (max_chars > 2 ? max_chars - 2 : 0) && !cut)
			cut = q;
		q += n ? n : 1;
	}
	if (total <= max_chars) {
		escape_xml(sb, name);
		return;
	}
	for (const unsigned char *q = p; q < cut; chars++) {
		int n = utf8_sequence_length(q);
		char piece[5] = { 0 };

		n = n ? n : 1;
		memcpy(piece, q, (size_t)n);
		escape_xml(sb, piece);
		q += n;
	}
	strbuf_adds(sb, "..");
}

struct render {
	struct strbuf *sb;
	double scale;     /* pixels per count */
	uint64_t total;
	int image_height;
	const char *unit;
};

static void render_node(struct render *r, struct flame_node *n, double x, size_t depth)
{
	double width = (double)n->value * r->scale;
	double y = r->image_height - BOTTOM_PAD - (double)(depth + 1) * FRAME_HEIGHT;
	double share = r->total ? 100.0 * (double)n->value / (double)r->total : 0.0;
	size_t fit = width > 6 ? (size_t)((width - 6) / CHAR_WIDTH) : 0;
	struct strbuf *sb = r->sb;
	double child_x = x;

	if (width < MIN_WIDTH)
		return;
	strbuf_adds(sb, "<g class=\"f\"><title>");
	escape_xml(sb, n->name);
	strbuf_addf(sb, " (%llu %s, %.2f%%)</title><rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" "
		    "height=\"%d\" rx=\"2\" fill=\"", (unsigned long long)n->value, r->unit, share,
		    x, y, width, FRAME_HEIGHT - 1);
	add_colour(sb, n->name, depth == 0);
	strbuf_adds(sb, "\"/>");
	if (fit >= 3) {
		strbuf_addf(sb, "<text x=\"%.1f\" y=\"%.0f\">", x + 3, y + FRAME_HEIGHT - 4.5);
		add_label(sb, n->name, fit);
		strbuf_adds(sb, "</text>");
	}
	strbuf_adds(sb, "</g>\n");
	if (n->child_count > 1)
		qsort(n->children, n->child_count, sizeof(*n->children), compare_nodes);
	for (size_t i = 0; i < n->child_count; i++) {
		render_node(r, &n->children[i], child_x, depth + 1);
		child_x += (double)n->children[i].value * r->scale;
	}
}

/*
 * Click a box to zoom: boxes under it and beside it hide, it and its callees
 * stretch to the full width; click the root ("all") to reset. Labels keep
 * their text (the tooltip always has the whole name).
 */
static const char zoom_script[] =
	"<script type=\"text/ecmascript\"><![CDATA[\n"
	"(function () {\n"
	"  var W = 1200, PAD = 10;\n"
	"  var gs = document.querySelectorAll('g.f');\n"
	"  gs.forEach(function (g) {\n"
	"    var r = g.querySelector('rect');\n"
	"    r.dataset.x = r.getAttribute('x'); r.dataset.w = r.getAttribute('width');\n"
	"    var t = g.querySelector('text'); if (t) t.dataset.x = t.getAttribute('x');\n"
	"    g.addEventListener('click', function () { zoom(g); });\n"
	"  });\n"
	"  function zoom(target) {\n"
	"    var tr = target.querySelector('rect');\n"
	"    var x0 = +tr.dataset.x, w0 = +tr.dataset.w, y0 = +tr.getAttribute('y');\n"
	"    var k = (W - 2 * PAD) / w0;\n"
	"    gs.forEach(function (g) {\n"
	"      var r = g.querySelector('rect'), t = g.querySelector('text');\n"
	"      var x = +r.dataset.x, w = +r.dataset.w, y = +r.getAttribute('y');\n"
	"      var inside = x >= x0 - 0.01 && x + w <= x0 + w0 + 0.01;\n"
	"      var below = y > y0 && x <= x0 + 0.01 && x + w >= x0 + w0 - 0.01;\n"
	"      var show = inside && y <= y0 || below;\n"
	"      g.style.display = show ? '' : 'none';\n"
	"      if (!show) return;\n"
	"      var nx = inside ? PAD + (x - x0) * k : PAD, nw = inside ? w * k : W - 2 * PAD;\n"
	"      r.setAttribute('x', nx.toFixed(1)); r.setAttribute('width', nw.toFixed(1));\n"
	"      if (t) t.setAttribute('x', (nx + 3).toFixed(1));\n"
	"    });\n"
	"  }\n"
	"})();\n"
	"]]></script>\n";

int flamegraph_write_svg(struct flamegraph *fg, FILE *out, const char *title,
			 const char *unit)
{
	struct strbuf sb = STRBUF_INIT;
	struct render r = { .sb = &sb, .unit = unit ? unit : "samples" };
	int rc = 0;

	/* +1 for the root box. */
	r.image_height = (int)(fg->max_depth + 1) * FRAME_HEIGHT + TOP_PAD + BOTTOM_PAD;
	r.total = fg->root.value;
	r.scale = r.total ? (IMAGE_WIDTH - 2 * SIDE_PAD) / (double)r.total : 0.0;
	strbuf_addf(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
		    "<svg version=\"1.1\" width=\"%.0f\" height=\"%d\" viewBox=\"0 0 %.0f %d\" "
		    "xmlns=\"http://www.w3.org/2000/svg\">\n", IMAGE_WIDTH, r.image_height,
		    IMAGE_WIDTH, r.image_height);
	strbuf_addf(&sb, "<style>text{font-family:Verdana,sans-serif;font-size:%dpx;fill:#000;"
		    "pointer-events:none}g.f{cursor:pointer}g.f:hover rect{stroke:#000;"
		    "stroke-width:0.5}.title{font-size:17px}.note{font-size:12px;fill:#555}"
		    "</style>\n", FONT_SIZE);
	strbuf_adds(&sb, "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" "
		    "fill=\"#f8f8f4\"/>\n");
	strbuf_addf(&sb, "<text class=\"title\" x=\"%.0f\" y=\"24\" text-anchor=\"middle\">",
		    IMAGE_WIDTH / 2);
	escape_xml(&sb, title ? title : "Flame graph");
	strbuf_adds(&sb, "</text>\n");
	if (!r.total)
		strbuf_addf(&sb, "<text class=\"note\" x=\"%.0f\" y=\"%d\">no %s matched</text>\n",
			    SIDE_PAD, r.image_height - BOTTOM_PAD - 4, r.unit);
	else
		render_node(&r, &fg->root, SIDE_PAD, 0);
	strbuf_adds(&sb, zoom_script);
	strbuf_adds(&sb, "</svg>\n");
	if (sb.failed) {
		rc = -ENOMEM;
		goto cleanup;
	}
	if (fwrite(strbuf_str(&sb), 1, strbuf_len(&sb), out) != strbuf_len(&sb) || fflush(out))
		rc = -EIO;
cleanup:
	strbuf_release(&sb);
	return rc;
}
