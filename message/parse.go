package message

import (
	"fmt"
	"strconv"
	"strings"
)

// The scanner below reads the XML dialect of WeChat pushes: a root <xml>
// element whose children are leaf elements holding text or CDATA, plus a
// few nested containers (ScanCodeInfo, SendPicsInfo/PicList/item, ...).
// It is strict about structure (matching tags, terminated CDATA, comments
// and references, nothing but whitespace around elements) and works on one
// string: the document is converted once and every value is a substring of
// it, so a text message decodes with two allocations (the string and the
// struct). Values are copied only when they need decoding (entity
// references, several CDATA sections).

const (
	maxDepth    = 8  // nesting limit below <xml>
	stackFields = 24 // fields decoded without a heap allocation
	cdataStart  = "<![CDATA["
	cdataEnd    = "]]>"
)

// field is one child element: a leaf with its decoded text, or a container
// with its raw inner XML.
type field struct {
	name   string
	val    string
	nested bool
}

// scan result kinds of nextElem.
const (
	elemOK = iota
	elemDone
	elemClose
)

func malformed(reason string, off int) error {
	return fmt.Errorf("%w: %s at offset %d", ErrMalformedMessage, reason, off)
}

// Parse decodes the plaintext XML of a message or event push (接收普通消息 /
// 接收事件推送) into its typed value. Unknown message and event types yield
// *Unknown, not an error. Malformed XML, a missing MsgType or a non-numeric
// numeric field yields an error wrapping ErrMalformedMessage. The result
// does not alias b.
func Parse(b []byte) (Message, error) {
	return parseString(string(b))
}

func parseString(s string) (Message, error) {
	content, err := rootContent(s)
	if err != nil {
		return nil, err
	}
	var arr [stackFields]field
	fs := fields(arr[:0])
	for i := 0; ; {
		f, next, kind, err := nextElem(content, i, 1)
		if err != nil {
			return nil, err
		}
		if kind == elemDone {
			break
		}
		if kind == elemClose {
			return nil, malformed("unexpected end tag", i)
		}
		for j := range fs {
			// Readers disagree on which of two FromUserName to believe
			// (encoding/xml takes the last, DOM samples the first): refuse.
			if fs[j].name == f.name {
				return nil, malformed("repeated element <"+f.name+">", i)
			}
		}
		fs = append(fs, f)
		i = next
	}
	return decode(s, fs)
}

// rootContent returns the content of the root <xml> element of s. Offsets
// in later errors are relative to it.
func rootContent(s string) (string, error) {
	i := 0
	if strings.HasPrefix(s, "\ufeff") {
		i = 3
	}
	i = skipSpace(s, i)
	if strings.HasPrefix(s[i:], "<?xml") {
		k := strings.Index(s[i:], "?>")
		if k < 0 {
			return "", malformed("unterminated XML declaration", i)
		}
		i += k + 2
	}
	i, err := skipMisc(s, i)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(s[i:], "<xml") {
		return "", malformed("no <xml> root element", i)
	}
	i = skipSpace(s, i+4)
	if i >= len(s) || s[i] != '>' {
		return "", malformed("bad <xml> tag", i)
	}
	start := i + 1
	end := strings.LastIndex(s, "</xml")
	if end < start {
		return "", malformed("no </xml> end tag", len(s))
	}
	j := skipSpace(s, end+5)
	if j >= len(s) || s[j] != '>' {
		return "", malformed("bad </xml> tag", j)
	}
	if j, err = skipMisc(s, j+1); err != nil {
		return "", err
	}
	if j != len(s) {
		return "", malformed("content after </xml>", j)
	}
	return s[start:end], nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// skipMisc skips whitespace and comments.
func skipMisc(s string, i int) (int, error) {
	for {
		i = skipSpace(s, i)
		if !strings.HasPrefix(s[i:], "<!--") {
			return i, nil
		}
		k := strings.Index(s[i+4:], "-->")
		if k < 0 {
			return i, malformed("unterminated comment", i)
		}
		i += 4 + k + 3
	}
}

func isNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '-' || c == '.' || c == ':'
}

// nextElem scans the element starting at or after s[i] (after whitespace and
// comments). It reports elemDone at the end of s and elemClose, with next
// at the '<', when it meets an end tag.
func nextElem(s string, i, depth int) (f field, next, kind int, err error) {
	if i, err = skipMisc(s, i); err != nil {
		return f, i, elemOK, err
	}
	if i == len(s) {
		return f, i, elemDone, nil
	}
	if s[i] != '<' {
		return f, i, elemOK, malformed("text outside an element", i)
	}
	if i+1 < len(s) && s[i+1] == '/' {
		return f, i, elemClose, nil
	}
	j := i + 1
	for j < len(s) && isNameChar(s[j]) {
		j++
	}
	if j == i+1 {
		return f, i, elemOK, malformed("bad start tag", i)
	}
	f.name = s[i+1 : j]
	k := skipSpace(s, j)
	if strings.HasPrefix(s[k:], "/>") {
		return f, k + 2, elemOK, nil
	}
	if k >= len(s) || s[k] != '>' {
		return f, i, elemOK, malformed("bad start tag", i)
	}
	c := k + 1

	// Container: the content begins (after whitespace) with a child element.
	p, err := skipMisc(s, c)
	if err != nil {
		return f, i, elemOK, err
	}
	if p < len(s) && s[p] == '<' && !strings.HasPrefix(s[p:], cdataStart) && !strings.HasPrefix(s[p:], "</") {
		if depth >= maxDepth {
			return f, i, elemOK, malformed("elements nested too deeply", p)
		}
		for {
			_, n, kind, err := nextElem(s, p, depth+1)
			if err != nil {
				return f, i, elemOK, err
			}
			if kind == elemDone {
				return f, i, elemOK, malformed("unterminated element", p)
			}
			if kind == elemClose {
				end, err := endTag(s, n, f.name)
				if err != nil {
					return f, i, elemOK, err
				}
				f.val, f.nested = s[c:n], true
				return f, end, elemOK, nil
			}
			p = n
		}
	}

	// Leaf: text and CDATA sections up to the end tag.
	simple := true // one CDATA section or plain text without references
	var one string
	sections := 0
	for q := c; ; {
		t := strings.IndexByte(s[q:], '<')
		if t < 0 {
			return f, i, elemOK, malformed("unterminated element", i)
		}
		text := s[q : q+t]
		q += t
		if strings.IndexByte(text, '\r') >= 0 {
			simple = false // line ends to normalize
		}
		if text != "" && !allSpace(text) {
			sections++
			one = text
			if strings.IndexByte(text, '&') >= 0 {
				simple = false
			}
		}
		switch {
		case strings.HasPrefix(s[q:], cdataStart):
			e := strings.Index(s[q+len(cdataStart):], cdataEnd)
			if e < 0 {
				return f, i, elemOK, malformed("unterminated CDATA section", q)
			}
			one = s[q+len(cdataStart) : q+len(cdataStart)+e]
			if strings.IndexByte(one, '\r') >= 0 {
				simple = false
			}
			sections++
			q += len(cdataStart) + e + len(cdataEnd)
		case strings.HasPrefix(s[q:], "<!--"):
			e := strings.Index(s[q+4:], "-->")
			if e < 0 {
				return f, i, elemOK, malformed("unterminated comment", q)
			}
			simple = false
			q += 4 + e + 3
		case strings.HasPrefix(s[q:], "</"):
			end, err := endTag(s, q, f.name)
			if err != nil {
				return f, i, elemOK, err
			}
			switch {
			case sections == 0 && simple:
				// Empty or whitespace only: keep whitespace-only text.
				f.val = s[c:q]
			case sections == 1 && simple:
				f.val = one
			default:
				if f.val, err = leafSlow(s[c:q], c); err != nil {
					return f, i, elemOK, err
				}
			}
			return f, end, elemOK, nil
		default:
			return f, i, elemOK, malformed("element inside text", q)
		}
	}
}

// endTag checks that s[i:] starts with the end tag of name and returns the
// offset after it.
func endTag(s string, i int, name string) (int, error) {
	j := i + 2
	if !strings.HasPrefix(s[j:], name) {
		return i, malformed("mismatched end tag", i)
	}
	j = skipSpace(s, j+len(name))
	if j >= len(s) || s[j] != '>' {
		return i, malformed("mismatched end tag", i)
	}
	return j + 1, nil
}

func allSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isSpace(s[i]) {
			return false
		}
	}
	return true
}

// leafSlow decodes leaf content made of several sections, or needing
// decoding: CDATA is taken verbatim, text has its references decoded,
// comments are dropped, whitespace-only text is dropped when the content
// has CDATA, and line ends (CR LF, CR) become LF everywhere but in
// character references, as XML 1.0 §2.11 says.
func leafSlow(s string, base int) (string, error) {
	hasCDATA := strings.Contains(s, cdataStart)
	var b strings.Builder
	b.Grow(len(s))
	for q := 0; q < len(s); {
		t := strings.IndexByte(s[q:], '<')
		if t < 0 {
			t = len(s) - q
		}
		text := s[q : q+t]
		if !(hasCDATA && allSpace(text)) {
			if err := unescape(&b, text, base+q); err != nil {
				return "", err
			}
		}
		q += t
		if q >= len(s) {
			break
		}
		if strings.HasPrefix(s[q:], cdataStart) {
			e := strings.Index(s[q+len(cdataStart):], cdataEnd)
			writeLines(&b, s[q+len(cdataStart):q+len(cdataStart)+e])
			q += len(cdataStart) + e + len(cdataEnd)
		} else { // comment; validated by the caller
			e := strings.Index(s[q+4:], "-->")
			q += 4 + e + 3
		}
	}
	return b.String(), nil
}

// unescape writes text with its character and entity references decoded.
func unescape(b *strings.Builder, text string, base int) error {
	for {
		a := strings.IndexByte(text, '&')
		if a < 0 {
			writeLines(b, text)
			return nil
		}
		writeLines(b, text[:a])
		text = text[a:]
		sc := strings.IndexByte(text, ';')
		if sc < 0 || sc > 12 {
			return malformed("bad reference", base+a)
		}
		ref := text[1:sc]
		switch ref {
		case "lt":
			b.WriteByte('<')
		case "gt":
			b.WriteByte('>')
		case "amp":
			b.WriteByte('&')
		case "quot":
			b.WriteByte('"')
		case "apos":
			b.WriteByte('\'')
		default:
			r, ok := charRef(ref)
			if !ok {
				return malformed("bad reference", base+a)
			}
			b.WriteRune(r)
		}
		text = text[sc+1:]
		base += a + sc + 1
	}
}

// writeLines writes s with its line ends normalized to LF.
func writeLines(b *strings.Builder, s string) {
	for {
		i := strings.IndexByte(s, '\r')
		if i < 0 {
			b.WriteString(s)
			return
		}
		b.WriteString(s[:i])
		b.WriteByte('\n')
		s = strings.TrimPrefix(s[i+1:], "\n")
	}
}

func charRef(ref string) (rune, bool) {
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	var n uint64
	var err error
	if ref[1] == 'x' {
		n, err = strconv.ParseUint(ref[2:], 16, 32)
	} else {
		n, err = strconv.ParseUint(ref[1:], 10, 32)
	}
	if err != nil || n == 0 || n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF) {
		return 0, false
	}
	return rune(n), true
}

// fields is the list of child elements of one element.
type fields []field

func (fs fields) get(name string) string {
	for i := range fs {
		if fs[i].name == name && !fs[i].nested {
			return fs[i].val
		}
	}
	return ""
}

func (fs fields) nested(name string) (string, bool) {
	for i := range fs {
		if fs[i].name == name {
			return fs[i].val, fs[i].nested
		}
	}
	return "", false
}

// numReader reads fields, recording the first conversion error in *errp
// (kept apart from fs so that the fields do not escape with the error).
type numReader struct {
	fs   fields
	errp *error
}

func (r *numReader) fail(err error) {
	if *r.errp == nil {
		*r.errp = err
	}
}

// with returns a reader of fs sharing r's error.
func (r *numReader) with(fs fields) numReader { return numReader{fs: fs, errp: r.errp} }

func (r *numReader) int64(name string) int64 {
	v := strings.TrimSpace(r.fs.get(name))
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		r.fail(fmt.Errorf("%w: %s is not an integer", ErrMalformedMessage, name))
	}
	return n
}

func (r *numReader) int(name string) int {
	v := strings.TrimSpace(r.fs.get(name))
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		r.fail(fmt.Errorf("%w: %s is not an integer", ErrMalformedMessage, name))
	}
	return n
}

func (r *numReader) float(name string) float64 {
	v := strings.TrimSpace(r.fs.get(name))
	if v == "" {
		return 0
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil {
		r.fail(fmt.Errorf("%w: %s is not a number", ErrMalformedMessage, name))
	}
	return n
}

// children scans the inner XML of a container into its child elements.
func children(s string, depth int) (fields, error) {
	var fs fields
	for i := 0; ; {
		f, next, kind, err := nextElem(s, i, depth)
		if err != nil {
			return nil, err
		}
		switch kind {
		case elemDone:
			return fs, nil
		case elemClose:
			return nil, malformed("unexpected end tag", i)
		}
		fs = append(fs, f)
		i = next
	}
}

// sub returns the children of the container name of fs (nil if absent or
// a leaf).
func (r *numReader) sub(fs fields, name string, depth int) fields {
	v, ok := fs.nested(name)
	if !ok || *r.errp != nil {
		return nil
	}
	c, err := children(v, depth)
	if err != nil {
		r.fail(err)
	}
	return c
}

func decode(raw string, fs fields) (Message, error) {
	var err error
	r := numReader{fs: fs, errp: &err}
	h := Header{
		ToUserName:   fs.get("ToUserName"),
		FromUserName: fs.get("FromUserName"),
		MsgType:      strings.TrimSpace(fs.get("MsgType")),
		Event:        strings.TrimSpace(fs.get("Event")),
		EventKey:     fs.get("EventKey"),
		MsgDataID:    fs.get("MsgDataId"),
		Idx:          fs.get("Idx"),
	}
	h.CreateTime = r.int64("CreateTime")
	if fs.get("MsgId") != "" {
		h.MsgID = r.int64("MsgId")
	} else {
		h.MsgID = r.int64("MsgID")
	}
	if h.MsgType == "" {
		return nil, fmt.Errorf("%w: no MsgType", ErrMalformedMessage)
	}
	var m Message
	switch h.MsgType {
	case MsgTypeText:
		m = &Text{Header: h, Content: fs.get("Content")}
	case MsgTypeImage:
		m = &Image{Header: h, PicURL: fs.get("PicUrl"), MediaID: fs.get("MediaId")}
	case MsgTypeVoice:
		m = &Voice{Header: h, MediaID: fs.get("MediaId"), Format: fs.get("Format"),
			Recognition: fs.get("Recognition"), MediaID16K: fs.get("MediaId16K")}
	case MsgTypeVideo, MsgTypeShortVideo:
		m = &Video{Header: h, MediaID: fs.get("MediaId"), ThumbMediaID: fs.get("ThumbMediaId")}
	case MsgTypeLocation:
		m = &Location{Header: h, LocationX: r.float("Location_X"), LocationY: r.float("Location_Y"),
			Scale: r.int("Scale"), Label: fs.get("Label")}
	case MsgTypeLink:
		m = &Link{Header: h, Title: fs.get("Title"), Description: fs.get("Description"), URL: fs.get("Url")}
	case MsgTypeEvent:
		m = decodeEvent(&r, h, raw)
	default:
		m = unknown(h, raw, fs)
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

func decodeEvent(r *numReader, h Header, raw string) Message {
	fs := r.fs
	switch h.Event {
	case EventSubscribe:
		return &Subscribe{Header: h, Ticket: fs.get("Ticket")}
	case EventUnsubscribe:
		return &Unsubscribe{Header: h}
	case EventScan:
		return &Scan{Header: h, Ticket: fs.get("Ticket")}
	case EventLocation:
		return &LocationEvent{Header: h, Latitude: r.float("Latitude"),
			Longitude: r.float("Longitude"), Precision: r.float("Precision")}
	case EventClick:
		return &Click{Header: h}
	case EventView:
		return &View{Header: h, MenuID: fs.get("MenuId")}
	case EventScanCodePush, EventScanCodeWaitMsg:
		info := r.sub(fs, "ScanCodeInfo", 2)
		return &ScanCodeEvent{Header: h, ScanCodeInfo: ScanCodeInfo{
			ScanType: info.get("ScanType"), ScanResult: info.get("ScanResult")}}
	case EventPicSysPhoto, EventPicPhotoOrAlbum, EventPicWeixin:
		e := &PicEvent{Header: h}
		info := r.sub(fs, "SendPicsInfo", 2)
		ir := r.with(info)
		e.SendPicsInfo.Count = ir.int("Count")
		for _, it := range r.sub(info, "PicList", 3) {
			if it.name != "item" {
				continue
			}
			c := r.sub(fields{it}, "item", 4)
			e.SendPicsInfo.PicList = append(e.SendPicsInfo.PicList, PicItem{PicMd5Sum: c.get("PicMd5Sum")})
		}
		return e
	case EventLocationSelect:
		info := r.sub(fs, "SendLocationInfo", 2)
		ir := r.with(info)
		e := &LocationSelect{Header: h, SendLocationInfo: SendLocationInfo{
			LocationX: ir.float("Location_X"), LocationY: ir.float("Location_Y"),
			Scale: ir.int("Scale"), Label: info.get("Label"), Poiname: info.get("Poiname")}}
		return e
	case EventTemplateSendJobFinish:
		return &TemplateSendJobFinish{Header: h, Status: fs.get("Status")}
	case EventMassSendJobFinish:
		return decodeMass(r, h)
	case EventPublishJobFinish:
		return decodePublish(r, h)
	case EventKfCreateSession, EventKfCloseSession, EventKfSwitchSession:
		return &KfSessionEvent{Header: h, KfAccount: fs.get("KfAccount"),
			FromKfAccount: fs.get("FromKfAccount"), ToKfAccount: fs.get("ToKfAccount")}
	}
	if d, ok := eventDecoders[h.Event]; ok {
		return d(r, h, raw)
	}
	return unknown(h, raw, fs)
}

// eventDecoder decodes one event type from the push's fields (r.fs); it
// reports bad numbers through r.
type eventDecoder func(r *numReader, h Header, raw string) Message

// eventDecoders holds the event types typed in files of their own (卡券
// events, 订阅通知 events, 微信认证 events, …), registered from init with
// registerEvents so that families do not edit decodeEvent.
var eventDecoders = map[string]eventDecoder{}

// registerEvents adds decoders by event name; called from init only.
func registerEvents(m map[string]eventDecoder) {
	for name, d := range m {
		if _, dup := eventDecoders[name]; dup {
			panic("message: event " + name + " registered twice")
		}
		eventDecoders[name] = d
	}
}

func decodePublish(r *numReader, h Header) *PublishJobFinish {
	info := r.sub(r.fs, "PublishEventInfo", 2)
	ir := r.with(info)
	e := &PublishJobFinish{Header: h, PublishID: strings.TrimSpace(info.get("publish_id")),
		PublishStatus: ir.int("publish_status"), ArticleID: info.get("article_id")}
	for _, f := range info {
		if f.name == "fail_idx" && !f.nested {
			n, err := strconv.Atoi(strings.TrimSpace(f.val))
			if err != nil {
				r.fail(fmt.Errorf("%w: fail_idx is not an integer", ErrMalformedMessage))
			}
			e.FailIdx = append(e.FailIdx, n)
		}
	}
	for _, it := range r.sub(info, "article_detail", 3) {
		if it.name != "item" {
			continue
		}
		ar := r.with(r.sub(fields{it}, "item", 4))
		e.Articles = append(e.Articles, PublishedArticle{Idx: ar.int("idx"), ArticleURL: ar.fs.get("article_url")})
	}
	return e
}

func decodeMass(r *numReader, h Header) *MassSendJobFinish {
	fs := r.fs
	e := &MassSendJobFinish{Header: h, Status: fs.get("Status"),
		TotalCount: r.int("TotalCount"), FilterCount: r.int("FilterCount"),
		SentCount: r.int("SentCount"), ErrorCount: r.int("ErrorCount")}
	cc := r.sub(fs, "CopyrightCheckResult", 2)
	cr := r.with(cc)
	e.CopyrightCheckResult.Count = cr.int("Count")
	e.CopyrightCheckResult.CheckState = cr.int("CheckState")
	for _, it := range r.sub(cc, "ResultList", 3) {
		if it.name != "item" {
			continue
		}
		ir := r.with(r.sub(fields{it}, "item", 4))
		e.CopyrightCheckResult.ResultList = append(e.CopyrightCheckResult.ResultList, CopyrightCheckItem{
			ArticleIdx:            ir.int("ArticleIdx"),
			UserDeclareState:      ir.int("UserDeclareState"),
			AuditState:            ir.int("AuditState"),
			OriginalArticleURL:    ir.fs.get("OriginalArticleUrl"),
			OriginalArticleType:   ir.int("OriginalArticleType"),
			CanReprint:            ir.int("CanReprint"),
			NeedReplaceContent:    ir.int("NeedReplaceContent"),
			NeedShowReprintSource: ir.int("NeedShowReprintSource"),
		})
	}
	au := r.sub(fs, "ArticleUrlResult", 2)
	ar := r.with(au)
	e.ArticleURLResult.Count = ar.int("Count")
	for _, it := range r.sub(au, "ResultList", 3) {
		if it.name != "item" {
			continue
		}
		ir := r.with(r.sub(fields{it}, "item", 4))
		e.ArticleURLResult.ResultList = append(e.ArticleURLResult.ResultList, ArticleURLItem{
			ArticleIdx: ir.int("ArticleIdx"), ArticleURL: ir.fs.get("ArticleUrl")})
	}
	return e
}

func unknown(h Header, raw string, fs fields) *Unknown {
	return &Unknown{Header: h, Raw: []byte(raw), Fields: unknownFields(fs, 2)}
}

// unknownFields converts fs, descending into containers (already checked
// by the scanner, so children cannot fail).
func unknownFields(fs fields, depth int) []Field {
	out := make([]Field, len(fs))
	for i, f := range fs {
		out[i].Name = f.name
		if !f.nested {
			out[i].Value = f.val
			continue
		}
		c, _ := children(f.val, depth)
		out[i].Children = unknownFields(c, depth+1)
	}
	return out
}
