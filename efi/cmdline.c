// SPDX-License-Identifier: MIT
/*
 * LoadOptions is whatever the starter passed (UEFI 2.10 section 9.1,
 * EFI_LOADED_IMAGE_PROTOCOL). The UEFI shell passes the command line as a
 * UCS-2 string (UEFI Shell 2.2 section 2.4); a boot manager entry passes its
 * OptionalData, which may be binary (section 3.1.3). So the buffer is
 * scanned as UCS-2 up to its size or the first NUL, and only a word ending
 * in ".dtb" counts, which binary junk is most unlikely to produce.
 */
#include <corral/boot_info.h>
#include <errno.h>
#include "uefi.h"
#include "cmdline.h"
#include "console.h"

#define DTB_SUFFIX ".dtb"
#define DTB_SUFFIX_LEN 4
#define ASCII_MAX 0x7F

struct word {
	const CHAR16 *s;
	UINTN len;
};

static bool is_space(CHAR16 c)
{
	return c == L' ' || c == L'\t' || c == L'\r' || c == L'\n';
}

static CHAR16 to_lower(CHAR16 c)
{
	return (c >= L'A' && c <= L'Z') ? c - L'A' + L'a' : c;
}

static bool ends_in_dtb(const struct word *w)
{
	if (w->len <= DTB_SUFFIX_LEN)
		return false;
	for (UINTN i = 0; i < DTB_SUFFIX_LEN; i++) {
		CHAR16 c = w->s[w->len - DTB_SUFFIX_LEN + i];

		if (to_lower(c) != (CHAR16)DTB_SUFFIX[i])
			return false;
	}
	return true;
}

/* Next word in s[*pos..n); false at the end (n or a NUL). */
static bool next_word(const CHAR16 *s, UINTN n, UINTN *pos, struct word *w)
{
	UINTN i = *pos;

	while (i < n && s[i] && is_space(s[i]))
		i++;
	if (i >= n || !s[i])
		return false;
	w->s = s + i;
	while (i < n && s[i] && !is_space(s[i]))
		i++;
	w->len = (UINTN)(s + i - w->s);
	*pos = i;
	return true;
}

/* Copies the word as ASCII, with '?' for anything else (for messages):
 * 0, or -EINVAL when it was not all ASCII or did not fit. */
static int word_to_ascii(const struct word *w, char *out, UINTN cap)
{
	bool ok = w->len < cap;
	UINTN n = ok ? w->len : cap - 1;

	for (UINTN i = 0; i < n; i++) {
		ok = ok && w->s[i] <= ASCII_MAX;
		out[i] = w->s[i] <= ASCII_MAX ? (char)w->s[i] : '?';
	}
	out[n] = '\0';
	return ok ? 0 : -EINVAL;
}

EFI_STATUS cmdline_config_path(const EFI_LOADED_IMAGE *image, char *out,
			       UINTN cap, bool *found)
{
	const CHAR16 *s = image->LoadOptions;
	UINTN n = s ? image->LoadOptionsSize / sizeof(CHAR16) : 0;
	UINTN pos = 0;
	struct word w;

	*found = false;
	while (next_word(s, n, &pos, &w)) {
		if (!ends_in_dtb(&w))
			continue;
		if (word_to_ascii(&w, out, cap)) {
			con_error(
				"the config path \"%s%s\" on the command line must be ASCII and shorter than %u characters",
				out, w.len >= cap ? "..." : "",
				(unsigned int)cap);
			return EFI_INVALID_PARAMETER;
		}
		*found = true;
		return EFI_SUCCESS;
	}
	return EFI_SUCCESS;
}
