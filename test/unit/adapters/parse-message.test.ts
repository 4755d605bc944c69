import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { MAX_PARSE_BYTES, parseMessage } from '../../../src/adapters/mime/parse-message.js';

const crlf = (s: string): Buffer => Buffer.from(s.replace(/\r?\n/g, '\r\n'), 'utf8');
const b64 = (buf: Buffer): string => buf.toString('base64').replace(/(.{76})/g, '$1\n');

describe('parseMessage', () => {
  it('decodes RFC 2047 subjects and names in several charsets', async () => {
    const gbkSubject = iconv.encode('询问移民签证案件进度', 'gbk').toString('base64');
    const msg = await parseMessage(
      crlf(`From: =?iso-8859-1?q?Agust=EDn_Acu=F1a?= <aacuna@example.com>\nTo: IV <ivbuenosaires@state.example>\nSubject: =?gbk?b?${gbkSubject}?=\nMessage-ID: <a@example.com>\n\nhola\n`),
    );
    expect(msg.subject).toBe('询问移民签证案件进度');
    expect(msg.from).toEqual({ address: 'aacuna@example.com', name: 'Agustín Acuña' });
    expect(msg.messageId).toBe('<a@example.com>');
  });

  it.each([
    ['gbk', '您好，案件号 GUZ2022334455'],
    ['gb18030', '您好，案件号 GUZ2022334455'],
    ['big5', '您好，案件號 GUZ2022334455'],
    ['windows-1252', 'Señores: “caso” LMA2023123456 – gracias'],
    ['iso-8859-1', 'Señores: caso LMA2023123456, Acuña'],
  ])('decodes a %s body', async (charset, text) => {
    const body = b64(iconv.encode(text, charset));
    const msg = await parseMessage(crlf(`From: a@example.com\nSubject: x\nContent-Type: text/plain; charset="${charset}"\nContent-Transfer-Encoding: base64\n\n${body}\n`));
    expect(msg.newText).toBe(text);
  });

  it('does not fail on an unknown charset', async () => {
    const msg = await parseMessage(crlf('From: a@example.com\nSubject: x\nContent-Type: text/plain; charset="x-made-up-9"\n\nCaso LMA2023123456\n'));
    expect(msg.newText).toContain('LMA2023123456');
  });

  it('reads HTML-only mail as text, tags removed, so a case number split by tags is whole', async () => {
    const html = '<html><body><p>Mi caso es LMA<b>2023</b>123456.</p><blockquote>De: IV Lima<br>Asunto: RE: IV Inquiry</blockquote></body></html>';
    const msg = await parseMessage(crlf(`From: a@example.com\nSubject: x\nContent-Type: text/html; charset=utf-8\n\n${html}\n`));
    expect(msg.newText).toContain('LMA2023123456');
    expect(msg.newText).not.toContain('<b>');
  });

  it('keeps quoted history apart from the new text', async () => {
    const msg = await parseMessage(
      crlf('From: a@example.com\nSubject: Re: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nGracias, adjunto el pasaporte.\n\nEl lun, 3 mar 2025 a las 9:14, IV Lima <ivlima@state.example> escribió:\n> Por favor envíe el pasaporte.\n> Caso LMA2023123456\n'),
    );
    expect(msg.newText).toBe('Gracias, adjunto el pasaporte.');
    expect(msg.quotedText).toContain('LMA2023123456');
  });

  it('lists attachments without keeping their bytes, and names report parts', async () => {
    const pdf = Buffer.alloc(200_000, 7);
    const raw = crlf(
      `From: a@example.com\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain; charset=utf-8\n\nhola\n--b1\nContent-Type: application/pdf; name="cita.pdf"\nContent-Disposition: attachment; filename="cita.pdf"\nContent-Transfer-Encoding: base64\n\n${b64(pdf)}\n--b1--\n`,
    );
    const msg = await parseMessage(raw);
    expect(msg.attachments).toEqual([{ filename: 'cita.pdf', contentType: 'application/pdf', size: pdf.length }]);
    expect(msg.partTypes).toContain('application/pdf');
    expect(msg.newText).toBe('hola');
  });

  it('decides a message whose text alone is over the size cap from its head, never crashing', async () => {
    const big = Buffer.alloc(MAX_PARSE_BYTES + 1024 * 1024, 65);
    const raw = Buffer.concat([
      crlf('From: a@example.com\nSubject: IV Inquiry LMA2023123456 Perez\nContent-Type: multipart/mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain\n\nmi pasaporte\n--b1\nContent-Type: text/plain\n\n'),
      big,
    ]);
    const msg = await parseMessage(raw);
    expect(msg.truncated).toBe(true);
    expect(msg.size).toBe(raw.length);
    expect(msg.subject).toBe('IV Inquiry LMA2023123456 Perez');
    expect(msg.newText).toContain('mi pasaporte');
  });

  it('reads text that follows a 9 MB attachment (Apple Mail order), and reports the attachment with its size', async () => {
    const scan = Buffer.alloc(9 * 1024 * 1024, 3);
    const encoded = b64(scan);
    const raw = crlf(
      `From: a@example.com\nSubject: Entrevista\nContent-Type: multipart/mixed; boundary="am"\n\n--am\nContent-Type: text/plain; charset=utf-8\n\nBuenas tardes,\n--am\nContent-Type: application/pdf; name="escaneo.pdf"\nContent-Disposition: inline; filename="escaneo.pdf"\nContent-Transfer-Encoding: base64\n\n${encoded}\n--am\nContent-Type: text/plain; charset=utf-8\n\nNo pude asistir a la entrevista del caso LMA2023201133.\n--am--\n`,
    );
    const msg = await parseMessage(raw);
    expect(msg.truncated).toBe(false);
    expect(msg.newText).toContain('LMA2023201133');
    expect(msg.attachments).toEqual([{ filename: 'escaneo.pdf', contentType: 'application/pdf', size: scan.length }]);
  });

  it('survives malformed MIME: missing boundary end, garbage headers, no body', async () => {
    const msg = await parseMessage(crlf('From: <>\nSubject\nContent-Type: multipart/mixed; boundary="zz"\n\n--zz\nContent-Type: text/plain\n\nsolo esto'));
    expect(msg.from).toEqual({ address: '', name: '' });
    expect(msg.newText).toContain('solo esto');
    const empty = await parseMessage(Buffer.from(''));
    expect(empty.subject).toBe('');
    expect(empty.from).toBeNull();
  });

  it('recovers an address encoded inside the display name', async () => {
    const msg = await parseMessage(crlf('From: =?utf-8?q?Mart=C3=ADn_Vargas_=3Cmartin=2Evargas=40example=2Ecom=3E?=\nSubject: x\n\nhola\n'));
    expect(msg.from).toEqual({ address: 'martin.vargas@example.com', name: 'Martín Vargas' });
  });

  it('keeps raw header values for loop detection', async () => {
    const msg = await parseMessage(crlf('From: a@example.com\nAuto-Submitted: auto-replied\nList-Unsubscribe: <mailto:u@example.net>,\n <https://example.net/u>\nReturn-Path: <>\nSubject: x\n\nhola\n'));
    expect(msg.headers['auto-submitted']).toEqual(['auto-replied']);
    expect(msg.headers['list-unsubscribe']).toEqual(['<mailto:u@example.net>, <https://example.net/u>']);
    expect(msg.headers['return-path']).toEqual(['<>']);
  });
});

describe('parseMessage: the text a reader sees (stress round 6)', () => {
  const mime = (headers: string, body: string) => Buffer.from(`From: Ana <ana@example.com>\r\nTo: iv@state.example\r\nSubject: Consulta\r\nMIME-Version: 1.0\r\n${headers}\r\n\r\n${body}`);

  it('HTML inside multipart/related (inline images) is read as text, without image names', async () => {
    const raw = mime('Content-Type: multipart/related; type="text/html"; boundary="R"', '--R\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Mi caso <b>LMA2022110044</b>.</p><img src="cid:a" alt="IMG_20240311_093015.jpg">\r\n--R\r\nContent-Type: image/png\r\nContent-ID: <a>\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--R--\r\n');
    const m = await parseMessage(raw);
    expect(m.newText).toContain('Mi caso LMA2022110044');
    expect(m.newText).not.toContain('IMG_');
  });

  it('an "in HTML format" placeholder plain part gives way to the HTML', async () => {
    const raw = mime('Content-Type: multipart/alternative; boundary="A"', '--A\r\nContent-Type: text/plain\r\n\r\nThis message is in HTML format. Please use an HTML-capable mail reader.\r\n--A\r\nContent-Type: text/html\r\n\r\n<p>Quiero cancelar mi cita.</p>\r\n--A--\r\n');
    expect((await parseMessage(raw)).newText).toBe('Quiero cancelar mi cita.');
  });

  it('a short plain part that says far less than its HTML twin ("Please see the HTML version") gives way to it; a faithful short one stays (round 16)', async () => {
    const html = '<p>Dear Sir or Madam,</p><p>I am writing to ask for an earlier immigrant visa interview. My case number is LMA2024088113 and my interview is scheduled for March; I start a new job in January.</p><p>Thomas Whitfield</p>';
    const raw = mime('Content-Type: multipart/alternative; boundary="A"', `--A\r\nContent-Type: text/plain\r\n\r\nPlease see the HTML version of this message.\r\n--A\r\nContent-Type: text/html\r\n\r\n${html}\r\n--A--\r\n`);
    expect((await parseMessage(raw)).newText).toContain('LMA2024088113');
    const same = mime('Content-Type: multipart/alternative; boundary="A"', '--A\r\nContent-Type: text/plain\r\n\r\nCancelar cita LMA2024123456, gracias.\r\n--A\r\nContent-Type: text/html\r\n\r\n<div style="font-family:Arial">Cancelar cita LMA2024123456, <b>gracias</b>.</div>\r\n--A--\r\n');
    expect((await parseMessage(same)).newText).toBe('Cancelar cita LMA2024123456, gracias.');
  });

  it('text hidden by CSS is not read', async () => {
    const raw = mime('Content-Type: text/html; charset=utf-8', '<p>Quisiera adelantar mi cita.</p><div style="display: none">Este mensaje fue generado automaticamente</div><p hidden>no responder</p>');
    expect((await parseMessage(raw)).newText).toBe('Quisiera adelantar mi cita.');
  });

  it('invisible characters and non-breaking hyphens inside a case number are dropped or read as dashes', async () => {
    const raw = Buffer.from('From: a@example.com\r\nSubject: IV Inquiry LMA\u200b2023123456 Flores\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nCaso GUZ\u20112024\u2011015532, Inqu\u00adiry\r\n', 'utf8');
    const m = await parseMessage(raw);
    expect(m.subject).toBe('IV Inquiry LMA2023123456 Flores');
    expect(m.newText).toBe('Caso GUZ-2024-015532, Inquiry');
  });

  it('bare CR line ends split quotes like any other', async () => {
    const raw = mime('Content-Type: text/plain; charset=utf-8', 'Gracias.\r\rEl lun, IV Lima escribio:\r> cirugia, cancer\r');
    const m = await parseMessage(raw);
    expect(m.newText).toBe('Gracias.');
    expect(m.quotedText).toContain('cirugia');
  });
});

describe('parseMessage: a charset label that lies (stress round 6)', () => {
  it('UTF-8 sent under an ISO-8859-1 label is read as UTF-8; real Latin-1 stays as it is', async () => {
    const lying = Buffer.concat([Buffer.from('From: a@example.com\r\nSubject: Cita\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'), Buffer.from('Mi padre falleció ayer. ¿Qué hago?\r\n', 'utf8')]);
    expect((await parseMessage(lying)).newText).toBe('Mi padre falleció ayer. ¿Qué hago?');
    const honest = Buffer.concat([Buffer.from('From: a@example.com\r\nSubject: Cita\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'), iconv.encode('Mi padre falleció ayer. ¿Qué hago?\r\n', 'latin1')]);
    expect((await parseMessage(honest)).newText).toBe('Mi padre falleció ayer. ¿Qué hago?');
  });
});

describe('parseMessage: hostile HTML', () => {
  it('markup nested 100,000 deep is not converted (it would stall the converter), and the message still parses', async () => {
    const html = '<b>'.repeat(100_000) + 'LMA2023123456' + '</b>'.repeat(100_000);
    const raw = Buffer.from(`From: a@example.com\r\nSubject: IV Inquiry LMA2023123456 Perez\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n`);
    const m = await parseMessage(raw);
    expect(m.subject).toBe('IV Inquiry LMA2023123456 Perez');
    expect(m.newText).toBe('');
  });
});

describe('parseMessage: MIME that other readers get wrong', () => {
  it('raw 8-bit headers in the body\'s legacy charset (GBK, windows-1252) are read in that charset', async () => {
    const gbk = Buffer.concat([
      Buffer.from('From: '), iconv.encode('李娜', 'gbk'), Buffer.from(' <lina@example.cn>\r\nSubject: '), iconv.encode('错过面谈 GUZ2024012345', 'gbk'),
      Buffer.from('\r\nContent-Type: text/plain; charset="gbk"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'), iconv.encode('您好', 'gbk'), Buffer.from('\r\n'),
    ]);
    const msg = await parseMessage(gbk);
    expect(msg.subject).toBe('错过面谈 GUZ2024012345');
    expect(msg.from).toEqual({ address: 'lina@example.cn', name: '李娜' });
    const latin = Buffer.concat([Buffer.from('From: a@example.pe\r\nSubject: IV Inquiry LMA2022045678 '), iconv.encode('Ñahui Cárdenas', 'win1252'), Buffer.from('\r\nContent-Type: text/plain; charset=windows-1252\r\n\r\nhola\r\n')]);
    expect((await parseMessage(latin)).subject).toBe('IV Inquiry LMA2022045678 Ñahui Cárdenas');
  });

  it('UTF-7 encoded words are decoded', async () => {
    const msg = await parseMessage(crlf('From: a@example.pe\nSubject: =?unicode-1-1-utf-7?Q?Cancelaci+APM-n_de_cita?= LMA2023098765\n\nhola\n'));
    expect(msg.subject).toBe('Cancelación de cita LMA2023098765');
  });

  it('an HTML-only message with its charset only in <meta> is read in that charset', async () => {
    const html = iconv.encode('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head><body><p>Solicito la cancelación del turno.</p></body></html>', 'win1252');
    const msg = await parseMessage(Buffer.concat([crlf('From: a@example.com.ar\nSubject: Consulta\nContent-Type: text/html\nContent-Transfer-Encoding: base64\n\n'), Buffer.from(b64(html))]));
    expect(msg.newText).toBe('Solicito la cancelación del turno.');
  });

  it('a multipart without its boundary parameter is read by the delimiter it uses', async () => {
    const msg = await parseMessage(crlf('From: a@example.com.ar\nSubject: Missed IV appointment\nContent-Type: multipart/alternative\n\n--NoBoundaryGiven\nContent-Type: text/plain; charset=utf-8\n\nno pude asistir, caso BNS2023101234\n--NoBoundaryGiven--\n'));
    expect(msg.newText).toBe('no pude asistir, caso BNS2023101234');
  });

  it('a message whose only text is a text/plain attachment is read from it; beside a body, the file stays a file', async () => {
    const file = b64(iconv.encode('Solicito cancelar la entrevista del caso LMA2023189900.', 'latin1'));
    const only = await parseMessage(crlf(`From: a@example.pe\nSubject: x\nContent-Type: multipart/mixed; boundary="m"\n\n--m\nContent-Type: text/plain; charset=iso-8859-1; name="mensaje.txt"\nContent-Disposition: attachment; filename="mensaje.txt"\nContent-Transfer-Encoding: base64\n\n${file}\n--m--\n`));
    expect(only.newText).toBe('Solicito cancelar la entrevista del caso LMA2023189900.');
    const beside = await parseMessage(crlf(`From: a@example.pe\nSubject: x\nContent-Type: multipart/mixed; boundary="m"\n\n--m\nContent-Type: text/plain\n\nvea el adjunto\n--m\nContent-Type: text/plain; name="notas.txt"\nContent-Disposition: attachment; filename="notas.txt"\nContent-Transfer-Encoding: base64\n\n${file}\n--m--\n`));
    expect(beside.newText).toBe('vea el adjunto');
  });

  it('a bounce\'s returned headers (text/rfc822-headers) are read as the returned message', async () => {
    const msg = await parseMessage(crlf('From: sistema@correo.example.com\nSubject: Aviso\nContent-Type: multipart/report; report-type=delivery-status; boundary=D\n\n--D\nContent-Type: text/plain\n\nNo se ha podido entregar el mensaje.\n--D\nContent-Type: text/rfc822-headers\n\nFrom: ivlima@state.example\nSubject: Re: IV Inquiry LMA2023123456 Perez\n--D--\n'));
    expect(msg.quotedText).toContain('IV Inquiry LMA2023123456 Perez');
  });
});

describe('parseMessage: the text inside other wrappers (stress round 27)', () => {
  it('an HTML table reads row by row, its cells words apart', async () => {
    const html = '<table><tr><td><b>Caso</b></td><td>BNS-2024-071203</td></tr><tr><td><b>Solicitante principal</b></td><td>Julieta Paz Romero</td></tr></table><p>Estudio Paz</p>';
    const msg = await parseMessage(crlf(`From: a@example.com\nSubject: x\nContent-Type: text/html; charset=utf-8\n\n${html}\n`));
    expect(msg.newText).toContain('Caso BNS-2024-071203\nSolicitante principal Julieta Paz Romero');
  });

  it('an RTF body is read as its text, in its code page; beside a plain body, it stays an attachment', async () => {
    const rtf = "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fnil\\fcharset0 Calibri;}}\n{\\*\\generator Riched20 10.0.19041}\\viewkind4\\uc1\n\\pard\\f0\\fs22 Solicito la cancelaci\\'f3n de la cita del caso LMA2024102955, solicitante \\'d3scar Benavides.\\par\nTel\\'e9fono 01 444 2190\\par\n}";
    const only = await parseMessage(crlf(`From: a@example.pe\nSubject: IV appointment cancellation\nContent-Type: text/rtf; charset="us-ascii"\n\n${rtf}\n`));
    expect(only.newText).toBe('Solicito la cancelación de la cita del caso LMA2024102955, solicitante Óscar Benavides.\nTeléfono 01 444 2190');
    const han = "{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 SimSun;}}\\uc1\\pard\\f0 \\u24744?\\u22909?\\u65306?\\'b0\\'b8\\'bc\\'fe\\'ba\\'c5 GUZ2024110772\\par}";
    expect((await parseMessage(crlf(`From: a@example.cn\nSubject: x\nContent-Type: application/rtf\n\n${han}\n`))).newText).toBe('您好：案件号 GUZ2024110772');
    const beside = await parseMessage(crlf(`From: a@example.pe\nSubject: x\nContent-Type: multipart/mixed; boundary="m"\n\n--m\nContent-Type: text/plain\n\nvea el adjunto\n--m\nContent-Type: application/rtf; name="carta.rtf"\nContent-Disposition: attachment; filename="carta.rtf"\n\n${rtf}\n--m--\n`));
    expect(beside.newText).toBe('vea el adjunto');
  });

  it('an RTF body with a picture reads as its words, not the picture\'s hex (where "abc2023123456" would be a case number)', async () => {
    const hex = 'abc2023123456ff'.repeat(40);
    const rtf = `{\\rtf1\\ansi Solicito adelantar mi cita.\\par {\\*\\shppict{\\pict\\pngblip\\picw10 ${hex}}}{\\nonshppict{\\pict\\wmetafile8 ${hex}}}Caso LMA2024102955 \\{urgente\\}.\\par}`;
    const msg = await parseMessage(crlf(`From: a@example.pe\nSubject: Early appointment\nContent-Type: text/rtf\n\n${rtf}\n`));
    expect(msg.newText).toBe('Solicito adelantar mi cita.\nCaso LMA2024102955 {urgente}.');
  });

  it('an RTF part that is not RTF, or broken, leaves the body empty rather than failing', async () => {
    const msg = await parseMessage(crlf('From: a@example.pe\nSubject: IV appointment cancellation\nContent-Type: text/rtf\n\nnot rtf at all {\\par\n'));
    expect(msg.newText).toBe('');
    const broken = await parseMessage(crlf('From: a@example.pe\nSubject: x\nContent-Type: text/rtf\n\n{\\rtf1\\ansi caso LMA2024102955 {{{\\u99999999999\n'));
    expect(broken.subject).toBe('x');
  });
});
