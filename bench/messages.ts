/** Realistic messages for the benchmarks, built once per run (no fixtures on disk needed). */

const CRLF = '\r\n';

/** About 3 KB: an Outlook-style multipart/alternative inquiry in Spanish with quoted history. */
export function typicalMessage(i = 0): Buffer {
  const text = [
    'Estimados señores de la Sección Consular:',
    '',
    `Me dirijo a ustedes para consultar el estado de mi caso de visa de inmigrante LMA20231${String(23456 + i).padStart(5, '0')}.`,
    'El NVC me indicó que el caso ya fue documentado y enviado a la Embajada en Lima, pero aún no',
    'recibo la fecha de entrevista. Ya completé los exámenes médicos y tengo todos los documentos.',
    '',
    'Solicitante principal: Rosa Elena Quispe Mamani',
    'Peticionario: Juan Carlos Quispe (ciudadano estadounidense)',
    'Tipo de visa: IR1',
    'Teléfono: +51 987 654 321',
    '',
    'Atentamente,',
    'Rosa Quispe',
    '',
    '________________________________',
    'De: IV Lima <ivlima@state.example>',
    'Enviado: lunes, 3 de marzo de 2025 09:14',
    'Para: Rosa Quispe <rosa.quispe@example.com>',
    'Asunto: RE: IV Inquiry LMA2023123456 Quispe',
    '',
    'Gracias por su mensaje. Hemos recibido su consulta y la hemos remitido al personal.',
  ].join('\n');
  const qp = (s: string): string => Buffer.from(s, 'utf8').toString('base64').replace(/(.{76})/g, `$1${CRLF}`);
  const html = `<html><body><div>${text.split('\n').map((l) => `<p class="MsoNormal">${l || '&nbsp;'}<o:p></o:p></p>`).join('')}</div></body></html>`;
  return Buffer.from(
    [
      'From: Rosa Quispe <rosa.quispe@example.com>',
      'To: IV Lima <ivlima@state.example>',
      `Subject: RE: IV Inquiry LMA2023123456 Quispe`,
      'Date: Mon, 03 Mar 2025 09:14:22 -0500',
      `Message-ID: <bench-${i}@mail.example.com>`,
      'In-Reply-To: <reply-1@state.example>',
      'Thread-Topic: IV Inquiry LMA2023123456 Quispe',
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset="utf-8"',
      'Content-Transfer-Encoding: base64',
      '',
      qp(text),
      '--b1',
      'Content-Type: text/html; charset="utf-8"',
      'Content-Transfer-Encoding: base64',
      '',
      qp(html),
      '--b1--',
      '',
    ].join(CRLF),
  );
}

/** About 300 KB: a cancellation with a scanned-letter PDF attached. */
export function messageWithPdf(i = 0): Buffer {
  const pdf = Buffer.alloc(220 * 1024);
  for (let j = 0; j < pdf.length; j++) pdf[j] = (j * 31 + i) & 0xff;
  return Buffer.from(
    [
      'From: Martín Vargas <martin.vargas@example.com>',
      'To: IV Lima <ivlima@state.example>',
      'Subject: IV appointment cancellation',
      `Message-ID: <bench-pdf-${i}@example.com>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="m1"',
      '',
      '--m1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Solicito cancelar la cita del 20 de marzo. Solicitante principal: Martín Vargas. Caso LMA2023556677. Teléfono +51 955 321 654.',
      '--m1',
      'Content-Type: application/pdf; name="carta.pdf"',
      'Content-Disposition: attachment; filename="carta.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      pdf.toString('base64').replace(/(.{76})/g, `$1${CRLF}`),
      '--m1--',
      '',
    ].join(CRLF),
  );
}

const GIVEN = ['Rosa', 'Juan', 'María', 'Luis', 'Carmen', 'José', 'Ana', 'Pedro', 'Lucía', 'Miguel', 'Elena', 'Jorge'];
const FAMILY = ['Quispe', 'Mamani', 'Flores', 'Huamán', 'Rojas', 'Vargas', 'Chávez', 'Torres', 'Ramírez', 'Castillo', 'Sánchez', 'Mendoza'];

/**
 * A typical person's mail for the live-pipeline benchmarks: every `i` has its
 * own sender and case number (so the per-sender reply limit and the
 * duplicate-ticket window never merge two of them) and the Message-ID
 * `<TAG-i@mail.example.com>`, by which its reply is matched (In-Reply-To).
 * Three shapes in rotation, all of which get an auto-reply and a ticket:
 * an Outlook multipart/alternative status inquiry in Spanish, a plain-text
 * English status inquiry whose subject ignores the published convention, and
 * a Gmail-style cancellation request.
 */
export function personMessage(i: number, tag: string): Buffer {
  const given = GIVEN[i % GIVEN.length]!;
  const family = FAMILY[Math.floor(i / GIVEN.length) % FAMILY.length]!;
  const from = `${given} ${family} <${given.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase()}.${i}.${tag}@example.com>`;
  const caseNo = `LMA2024${String(i % 1_000_000).padStart(6, '0')}`;
  const messageId = `<${tag}-${i}@mail.example.com>`;
  const date = 'Mon, 03 Mar 2025 09:14:22 -0500';
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64').replace(/(.{76})/g, `$1${CRLF}`);
  const headers = (subject: string, extra: string[]): string[] => [
    `From: =?utf-8?B?${Buffer.from(from.split(' <')[0]!, 'utf8').toString('base64')}?= <${from.split(' <')[1]!}`,
    'To: IV Lima <ivlima@state.example>',
    `Subject: ${subject}`,
    `Date: ${date}`,
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
    ...extra,
  ];
  switch (i % 3) {
    case 0: {
      const text = [
        'Estimados señores de la Sección Consular:',
        '',
        `Me dirijo a ustedes para consultar el estado de mi caso de visa de inmigrante ${caseNo}.`,
        'El NVC me indicó que el caso ya fue documentado y enviado a la Embajada en Lima, pero aún no',
        'recibo la fecha de entrevista. Ya completé los exámenes médicos y tengo todos los documentos.',
        '',
        `Solicitante principal: ${given} ${family}`,
        'Tipo de visa: IR1',
        `Teléfono: +51 987 ${String(100 + (i % 900))} ${String(100 + ((i * 7) % 900))}`,
        '',
        'Atentamente,',
        `${given} ${family}`,
      ].join('\n');
      const html = `<html><body><div>${text.split('\n').map((l) => `<p class="MsoNormal">${l || '&nbsp;'}<o:p></o:p></p>`).join('')}</div></body></html>`;
      return Buffer.from(
        [
          ...headers(`IV Inquiry ${caseNo} ${family}`, ['Thread-Topic: Consulta estado de caso', 'Content-Type: multipart/alternative; boundary="b1"']),
          '',
          '--b1',
          'Content-Type: text/plain; charset="utf-8"',
          'Content-Transfer-Encoding: base64',
          '',
          b64(text),
          '--b1',
          'Content-Type: text/html; charset="utf-8"',
          'Content-Transfer-Encoding: base64',
          '',
          b64(html),
          '--b1--',
          '',
        ].join(CRLF),
      );
    }
    case 1:
      return Buffer.from(
        [
          ...headers(`IV case status inquiry - ${caseNo} - ${family}`, ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit']),
          '',
          'Dear Sir or Madam,',
          '',
          `I am writing to ask about the status of my immigrant visa case ${caseNo}. NVC told me`,
          'the case was documentarily complete and transferred to the Embassy in Lima two months ago,',
          'but I have not received an interview date yet. The medical exam is done.',
          '',
          `Principal applicant: ${given} ${family}`,
          'Petitioner: (US citizen spouse)',
          `Phone: +51 955 ${String(100 + (i % 900))} ${String(100 + ((i * 3) % 900))}`,
          '',
          'Thank you,',
          `${given} ${family}`,
          '',
        ].join(CRLF),
      );
    default:
      return Buffer.from(
        [
          ...headers(`IV appointment cancellation ${caseNo} ${family}`, ['Content-Type: multipart/alternative; boundary="000000000000gm"']),
          '',
          '--000000000000gm',
          'Content-Type: text/plain; charset="UTF-8"',
          'Content-Transfer-Encoding: quoted-printable',
          '',
          `Buenas tardes, solicito cancelar la cita de entrevista de mi caso ${caseNo} porque no podr=C3=A9`,
          `viajar a Lima en esa fecha. Solicitante principal: ${given} ${family}. Tel=C3=A9fono +51 944 ${String(100 + (i % 900))} 321.`,
          '',
          'Gracias.',
          '',
          '--000000000000gm',
          'Content-Type: text/html; charset="UTF-8"',
          'Content-Transfer-Encoding: quoted-printable',
          '',
          `<div dir=3D"ltr">Buenas tardes, solicito cancelar la cita de entrevista de mi caso ${caseNo} porque no p=`,
          `odr=C3=A9 viajar a Lima en esa fecha. Solicitante principal: ${given} ${family}. Tel=C3=A9fono +51 944 ${String(100 + (i % 900))} 321.<br><br>Gracias.</div>`,
          '',
          '--000000000000gm--',
          '',
        ].join(CRLF),
      );
  }
}
