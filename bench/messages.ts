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
