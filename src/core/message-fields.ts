/**
 * What the posts require in the first paragraph: a contact (phone or
 * e-mail) and the principal applicant's name; and whether an emergency is
 * pleaded. Pure.
 */
import { normalizeForMatch, prepareNormalized, prepareText, type PhraseMatcher, type PreparedText } from './normalize-text.js';
import { withoutCaseNumbers } from './case-number.js';

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/u;
/**
 * Seven to fifteen digits in groups, optionally `+`-prefixed: a phone number
 * as people write one. Not glued to a letter (`E12345678`, a passport).
 */
const PHONE = /(?<![\p{L}\p{N}/.:_-])(\+\s?)?(?:\(?\d{1,4}\)?[\s.-]?){2,6}\d{2,}(?![\p{L}\p{N}/_])/gu;
/** An identity document's number follows its name closely: "DNI 45678912", "pasaporte N° 123456789", "护照号码：E123". */
const ID_DOCUMENT_BEFORE = /(dni|d\.n\.i|documento|cedula|c[eé]dula|pasaporte|passport|cuit|cuil|ruc|rut|curp|carn[eé]|id|护照|護照|身份证|身份證|证件|證件)[^\p{L}\n]{0,12}(n(o|ro|um|úm|°|º)?\.?\s*[:：#]?\s*)?(号码|號碼|号|號)?[\s:：#]*$/iu;
const DATE_LIKE = /^(\d{4}[-.]\d{1,2}[-.]\d{1,2}|\d{1,2}[-.]\d{1,2}[-.]\d{2,4})$/;
/** A date, with its time if any ("2025.06.18 09:30", "18/06/2025 9:30"): never part of a phone number. */
const DATE_TIME = /(?<![\p{N}])(\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})(\s*(a las\s*|at\s*)?\d{1,2}[:h]\d{2})?(?![\p{N}])/gu;

/** A phone number or an e-mail address (other than the post's own) in the text. */
export function hasContact(text: string, ownAddresses: ReadonlySet<string>): boolean {
  for (const m of text.matchAll(new RegExp(EMAIL, 'gu'))) {
    if (!ownAddresses.has(m[0].toLowerCase())) return true;
  }
  const scrubbed = withoutCaseNumbers(text).replace(DATE_TIME, ' ');
  for (const m of scrubbed.matchAll(PHONE)) {
    const written = m[0].trim();
    const digits = written.replace(/\D/g, '');
    if (digits.length < 7 || digits.length > 15 || DATE_LIKE.test(written)) continue;
    if (ID_DOCUMENT_BEFORE.test(scrubbed.slice(Math.max(0, (m.index ?? 0) - 30), m.index))) continue;
    return true;
  }
  return false;
}

/**
 * Who the writer is or writes for, before a name in a sentence: "Yo, Carmen
 * Rosa Flores", "mi hijo Jorge Luis Pérez Soto", "on behalf of my client
 * Ana María Ruiz", or a case number and a dash on a data line ("Caso
 * BNS2024061190 - Brian Nahuel Castro - cel ..."). Matched without regard
 * to case.
 */
const NAME_CUE =
  /(?<![\p{L}])(yo|soy|me llamo|se llama|su nombre es|les escribe|le escribe|titular(?: del caso)?(?: es)?|a nombre de|en nombre de|a favor de|de parte de|(?:mi|nuestro|nuestra|su) (?:hijo|hija|esposo|esposa|marido|madre|padre|mam[aá]|pap[aá]|mami|papi|viej[oa]|hermano|hermana|cliente|representad[oa]|sobrin[oa]|niet[oa]|abuel[oa]|t[ií][oa]|prim[oa]|suegr[oa]|cu[nñ]ad[oa]|yerno|nuera|novi[oa]|prometid[oa]|pareja|padrastro|madrastra|hijastr[oa])|i am|i['’]m|my name is|(?:his|her|their|the applicant['’]?s) name is|this is|on behalf of(?: my \w+)?|writing for|(?:my|our) (?:son|daughter|wife|husband|mother|father|brother|sister|client|grandmother|grandfather|grandma|grandpa|aunt|uncle|cousin|niece|nephew|grandson|granddaughter|fianc[eé]e?|partner|stepfather|stepmother|stepson|stepdaughter|(?:mother|father|son|daughter|brother|sister)-in-law)|(?:interview|appointment|case|entrevista|cita|turno|caso) (?:for|of|de|del|a nombre de)|[a-z]{3}\d{10}\s*[-–—|/])[\s,:]+((?:el |la )?(?:se[nñ]ora?|se[nñ]orita|sra?\.?|srta\.?|don|do[nñ]a|dra?\.?|mrs?\.?|ms\.?|miss)\s+)?$/iu;
/** A relative named in Chinese: "我女儿刘晓燕", "我父亲 王建国" (a kinship word, then two to four Han characters). */
const ZH_RELATIVE_NAME = /(女儿|女兒|儿子|兒子|父亲|父親|母亲|母親|妈妈|媽媽|爸爸|丈夫|妻子|太太|老公|老婆|哥哥|姐姐|弟弟|妹妹|奶奶|爷爷|爺爺|外婆|外公|申请人是|申請人是|我是|我叫|他叫|她叫|名叫|名字叫|名字是|本人)[，,：:\s]?([\p{Script=Han}]{2,4})/gu;
/** An honorific names whoever follows it: "Mrs. Flor de María Ccahuana Quispe", "la Sra. Ana Ruiz". */
const HONORIFIC_BEFORE = /(?<![\p{L}])(se[nñ]ora?|se[nñ]orita|sra?\.|srta\.|don|do[nñ]a|mrs?\.|ms\.|miss)\s+$/iu;
/** Two to five capitalised words: a full name as people write it. */
const FULL_NAME = /^(\p{Lu}[\p{Ll}'’-]+),?(\s+(de |del |de la )?\p{Lu}[\p{Ll}'’-]+){1,4}/u;
/** Surnames in capitals, a comma, the given names: "GÓMEZ, Lucía Inés", "QUISPE MAMANI, Rosa" (as forms ask for them). */
const FULL_NAME_SURNAMES_FIRST = /^\p{Lu}[\p{Lu}'’-]+(\s+\p{Lu}[\p{Lu}'’-]+){0,2},\s*\p{Lu}[\p{Ll}'’-]+(\s+\p{Lu}[\p{Ll}'’-]+){0,3}/u;
/** The same in capitals ("my mother, TAN SHUFEN"), read only where the writer does not shout throughout. */
const FULL_NAME_CAPS = /^(\p{Lu}[\p{Lu}'’-]+)(\s+(DE |DEL |DE LA )?\p{Lu}[\p{Lu}'’-]+){1,4}(?![\p{L}])/u;
/**
 * The writer introduces themself as the petitioner (the sponsor), not the
 * applicant: "Soy Raúl Medina, peticionario", "I'm the petitioner". A
 * petitioner merely mentioned ("mi esposo, el peticionario") is not this.
 */
const PETITIONER_SELF = /(?<![\p{L}])((soy|yo)(?![\p{L}])[^.!?\n]{0,60}?(?<![\p{L}])(el |la )?(peticionari[oa]|peticionante)|i['’]?m the (u\.?s\.? citizen )?petitioner|i am the (u\.?s\.? citizen )?petitioner)(?![\p{L}])|我是(担保人|擔保人)/iu;
/** Labels of the writer's own name ("Mi nombre es ..."): the petitioner's, when the writer is the petitioner. */
const SELF_LABEL = /^(mi nombre es|my name is|我叫|我的名字)$/u;
/** A self-introduction's cue: the name after it is the writer's own. */
const SELF_CUE = /(?<![\p{L}])(yo|soy|me llamo|mi nombre es|les escribe|le escribe|i am|i['’]m|my name is|this is)[\s,:]+$/iu;

/** Two to four Han characters standing alone: a Chinese name written amid Latin text. */
const HAN_NAME = /(?<![\p{Script=Han}])\p{Script=Han}{2,4}(?![\p{Script=Han}])/gu;
/** Han words that start a clause, not a name ("我女儿的...", "mi madre 她说", "my son 现在"). */
const NOT_A_HAN_NAME = /^(的|在|和|已|也|是|要|将|將|会|會|因|于|於|原|今|明|昨|现|現|目|一|不|没|沒|无|無|很|都|从|從|他|她|我|你|您|们|們)/u;
/** What follows a name given with its case number ("Valeria Medina, caso BNS2024069901", "Li Wei - case GUZ..."). */
const CASE_AFTER_NAME = /^\s*[,;:|/–—-]?\s*(caso|case|expediente|n[uú]mero de caso|case number|案件号|案件編號|案件编号)\b[\s#:：nº°.]*[a-z]{3}[\s-]?\d{4}/iu;
/** Capitalised words that are not a name when all the text is in capitals ("SOY LA MADRE DEL SOLICITANTE"). */
const CAPS_NOT_A_NAME = /^(LA|EL|LOS|LAS|UN|UNA|MI|MIS|SU|SUS|DE|DEL|THE|A|AN|MY|HIS|HER|OUR|MADRE|PADRE|HIJO|HIJA|ESPOSO|ESPOSA|MOTHER|FATHER|SON|DAUGHTER|WIFE|HUSBAND|PETICIONARI[OA]|SOLICITANTE|APPLICANT|PETITIONER|CIUDADAN[OA]|US|U\.S\.)(?![\p{L}])/u;

/** Capitalised words that name an office, not a person ("la cita del Consulado General"). */
const NOT_A_NAME = /^(consulado|embajada|consulate|embassy|estados|united|departamento|department|national|nacional|centro|center|secci[oó]n|section|visa|visas|immigrant|inmigrante|u\.?s\.?|ee\.?\s?uu)(?![\p{L}])/iu;
// "Huenchumil, Rosa Ester": a surname, a comma, the given names.
const CAPITALISED_RUN = /\p{Lu}[\p{L}'’-]+,?(\s+(de |del |de la |DE |DEL |DE LA )?\p{Lu}[\p{L}'’-]+,?)+/gu;

/**
 * A full name right after a cue: at least two capitalised words. The cue
 * may itself open the run of capitalised words ("Soy Camila Ferreyra"), so
 * every word of a run is tried as the name's first.
 */
function namesSomeoneInASentence(text: string): boolean {
  // The petitioner introducing themself ("Soy Raúl Medina, peticionario") does not name the applicant.
  const petitioner = PETITIONER_SELF.test(text);
  // Every kinship word, not only the first: "我老公的预约，他叫刘建国".
  for (const zh of text.matchAll(ZH_RELATIVE_NAME)) {
    if (!NOT_A_HAN_NAME.test(zh[2] ?? '')) return true;
  }
  // "la cita de mi abuela 陈美玲": a Han name after a cue written in Spanish or English.
  for (const m of text.matchAll(HAN_NAME)) {
    const before = text.slice(Math.max(0, (m.index ?? 0) - 40), m.index);
    if (NAME_CUE.test(before) && !NOT_A_HAN_NAME.test(m[0])) return true;
  }
  const capsNames = /\p{Ll}{3}/u.test(text);
  for (const m of text.matchAll(CAPITALISED_RUN)) {
    const end = (m.index ?? 0) + m[0].length;
    for (const w of m[0].matchAll(/\S+/gu)) {
      const start = (m.index ?? 0) + (w.index ?? 0);
      const candidate = text.slice(start, end);
      const before = text.slice(Math.max(0, start - 40), start);
      // In a text written all in capitals a name is read only after a self-introduction ("SOY ROSA ELVIRA CCAHUANA").
      const shouted = !capsNames && FULL_NAME_CAPS.test(candidate) && SELF_CUE.test(before) && !CAPS_NOT_A_NAME.test(candidate);
      if ((!FULL_NAME.test(candidate) && !FULL_NAME_SURNAMES_FIRST.test(candidate) && !(capsNames && FULL_NAME_CAPS.test(candidate)) && !shouted) || NOT_A_NAME.test(candidate)) continue;
      if (petitioner && SELF_CUE.test(before)) continue;
      if (NAME_CUE.test(before) || HONORIFIC_BEFORE.test(before)) return true;
      // A name given with its case: "Valeria Medina, caso BNS2024069901".
      if (start === m.index && CASE_AFTER_NAME.test(text.slice(end, end + 40))) return true;
    }
  }
  return false;
}

/** A template's placeholder in capitals, left unfilled: "[NOMBRE DEL SOLICITANTE]", "<APPLICANT NAME>". */
const UNFILLED = /[\[<{【]\s*[^\p{Ll}\]>}】\n]{2,40}\s*[\]>}】]/gu;

function withoutPlaceholders(text: string): string {
  return /[\[<{【]/u.test(text) ? text.replace(UNFILLED, ' ') : text;
}

/**
 * A label such as `Solicitante principal:` followed by at least one word of
 * letters, or a full name in a sentence that says whose it is ("mi hijo
 * Jorge Luis Pérez Soto").
 */
export function hasApplicantName(written: string, writtenPrepared: PreparedText, labels: PhraseMatcher): boolean {
  const text = withoutPlaceholders(written);
  const prepared = text === written ? writtenPrepared : prepareText(text);
  if (!labels.find(prepared)) return TERSE_CASE_AND_NAME.test(text) || namesSomeoneInASentence(text);
  const petitioner = PETITIONER_SELF.test(text);
  for (const line of text.split(/\r?\n/)) {
    const normalized = normalizeForMatch(line);
    const label = labels.find(prepareNormalized(normalized));
    if (!label || (petitioner && SELF_LABEL.test(label))) continue;
    const at = normalized.indexOf(normalizeForMatch(label).replace(/^\/|\/$/g, ''));
    const after = at >= 0 ? normalized.slice(at + normalizeForMatch(label).length) : normalized;
    // A Chinese label without a colon runs into its sentence ("申请人暂时无法参加面谈"):
    // only a short name right after it, ending there, names someone ("申请人王杰，").
    if (HAN_LABEL.test(label) && !/^\s*[:：]/u.test(after)) {
      if (HAN_NAME_AFTER_LABEL.test(after)) return true;
      continue;
    }
    if (/\p{L}{2,}/u.test(after.replace(/^[\s:：,-]*(es|is|是|为|:)?\s*/u, ''))) return true;
  }
  return TERSE_CASE_AND_NAME.test(text) || namesSomeoneInASentence(text);
}

const HAN_LABEL = /\p{Script=Han}$/u;
const HAN_NAME_AFTER_LABEL = /^\s*(是|为|為)?\s*(\p{Script=Han}{2,4}(?!\p{Script=Han})|[a-z]{2,}(\s+[a-z]{2,}){1,3}\b)/u;
/** The terse line of a Chinese mail: case number, name, phone ("GUZ2024109905 王杰 13829907766"). */
const TERSE_CASE_AND_NAME = /^[ \t]*[A-Za-z]{3}[ \t-]?\d{4}[ \t-]?\d{3}[ \t-]?\d{3}[ \t,，、]+\p{Script=Han}{2,4}([ \t,，、]+\+?[\d][\d \t-]{6,})?[ \t]*$/mu;

/** The writer speaks of their own interview or appointment ("no pude asistir a mi entrevista", "cancel my appointment", "我的面谈"). */
const OWN_APPOINTMENT =
  /(?<![\p{L}])(mi|my) (entrevista|cita|turno|interview|appointment|visa interview|immigrant visa interview)(?![\p{L}])|(?<![\p{L}])(no pude|no podre|no voy a poder|no alcance a|i could not|i couldn['’]t|i cannot|i can['’]t|i missed|i was unable to|i am unable to|i['’]m unable to|i will not be able to|i won['’]t be able to) (asistir|ir|presentarme|llegar|acudir|concurrir|attend|make it|go|come|get there)(?![\p{L}])|(?<![\p{L}])(tenia|tuve|tengo) (la|mi) (entrevista|cita|turno)(?![\p{L}])|(?<![\p{L}])no me (dejaron|dejan) (pasar|entrar|ingresar)(?![\p{L}])|我的(面谈|面談|预约|預約)|我(没能|沒能|未能|错过|錯過|无法|無法)/iu;
/** A signature line: two to five capitalised (or upper-case) words and nothing else. */
const SIGNATURE_NAME = /^\s*(\p{Lu}[\p{L}'’-]+)(\s+(de |del |de la |DE |DEL |DE LA )?\p{Lu}[\p{L}'’.-]*){1,4}\s*$/u;
const SIGNATURE_NAME_HAN = /^\s*\p{Script=Han}{2,4}\s*$/u;

/**
 * The applicant writes about their own appointment and signs with their
 * full name: the principal applicant is named. (A petitioner who signs is
 * not: their request speaks of someone else's interview.)
 */
export function applicantSignsOwnRequest(text: string): boolean {
  if (!OWN_APPOINTMENT.test(normalizeForMatch(text))) return false;
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).slice(-6);
  return lines.some((l) => SIGNATURE_NAME.test(l) || SIGNATURE_NAME_HAN.test(l));
}

/**
 * Where the writer's own text ends: a sign-off line, a signature delimiter
 * or a confidentiality notice. An away notice is short above it, however
 * long the signature and the legal text below.
 */
export const SIGN_OFF =
  /^[ \t]*(--|_{5,}|-{5,}|((best|kind|warm|many)\s+)?regards|sincerely|cheers|thanks|thank you|atentamente|saludos( cordiales)?|cordialmente|cordiales saludos|un (cordial )?saludo|gracias|muchas gracias|此致|祝好|顺祝商祺|谢谢|mit freundlichen gr(ü|ue)(ß|ss)en|cordialement|atenciosamente|cumprimentos|distinti saluti|met vriendelijke groet(en)?)[ \t]*[,.!，。！]?[ \t]*$|^[ \t]*(aviso de confidencialidad|aviso legal|nota de confidencialidad|confidentiality notice|confidential|disclaimer|免责声明|保密声明)\b/imu;
/** Writer's text shorter than this above a sign-off line is a greeting ("Gracias.") opening the text, not its end. */
const MIN_TEXT_ABOVE_SIGN_OFF = 80;

const SIGN_OFF_LINES = new RegExp(SIGN_OFF.source, 'gimu');

/**
 * The writer's own words: the text above the sign-off, the signature and
 * the legal notice (a physician's "Jefe del Servicio de Emergencia", a
 * clinic's "Central de Emergencias 24 horas"). The whole text when no
 * sign-off line ends a paragraph of some length.
 */
export function aboveSignOff(text: string): string {
  for (const m of text.matchAll(SIGN_OFF_LINES)) if (text.slice(0, m.index).trim().length >= MIN_TEXT_ABOVE_SIGN_OFF) return text.slice(0, m.index);
  return text;
}

/**
 * "It is not an emergency" is not a plea of one, nor is a conditional
 * ("for urgent matters call...", "en caso de emergencia", "如有急事请致电"),
 * the usual line of an away notice or a signature; nor a hospital stay
 * that is over: given as the reason an interview was missed ("porque
 * estaba internado", "because I was hospitalized") or ended by a discharge
 * ("ya le dieron el alta", "已经出院"). Graver words in the same text
 * (intensive care, a death) still plead.
 */
const NEGATED_EMERGENCY =
  /\b(no|not|nor|sin|without|nao)\b[^.!?;\n]{0,30}\b(emergenc\w*|urgent\w*)|\b(if (it is |it['’]s |this is |you have )?(an? )?(urgent|emergency)|for (urgent|emergency) (matters|issues|questions|queries|inquiries|enquiries|requests|cases)|in (case of )?an? emergency|in case of (an? )?(emergency|urgency)|para (asuntos|temas|consultas|casos|cosas) (urgentes|de urgencia)|en caso de (una )?(emergencia|urgencia)|si (es|fuera|fuese) (urgente|una emergencia)|ante (cualquier|alguna) (urgencia|emergencia))\b|(不是|并非|并不是|不算)[^。！？\n]{0,10}(紧急|急事)|(如有|如果有|若有|如遇|如需)[^。！？\n]{0,4}(紧急|緊急|急事)|\b(emergency passport|emergency contact|emergency number|pasaporte de emergencia|contacto de emergencia|numero de emergencia|telefono de emergencia)\b|紧急护照|緊急護照|紧急联系人|緊急聯絡人|\b(especialista|residente|residencia|jefe|jefa|departamento|servicio|profesor|profesora) (en|de) (cirugia|oncologia|emergencias|terapia intensiva|cuidados intensivos)\b|\b(specialist|resident|residency|department|professor|nurse) (in|of) (surgery|oncology|emergency medicine|intensive care)\b|\b(enfermer[oa]s?|medic[oa]s?|doctora?|intensivista) (de|en) (la |el )?(terapia intensiva|cuidados intensivos|uci|emergencias?|guardia)\b|\b(intensive care|critical care|emergency|icu|er) (physician|doctor|nurse|specialist|medicine)s?\b|\b(turno|guardia|trabajo|trabajar) en (la |el )?(uci|terapia intensiva|emergencias?)\b|\b(shift|shifts|work|working) (in|at) (the )?(icu|er|emergency room|intensive care( unit)?)\b|\b(porque|ya que|pues|debido a que|because|since|as)\s+(\p{L}+\s+){0,3}(estaba|estuve|estuvo|estuvimos|was|were|had been)\s+(internad[oa]s?|hospitalizad[oa]s?|hospitali[sz]ed|in (the )?hospital)\b|\b(internad[oa]s?|hospitalizad[oa]s?|hospitali[sz]ed)\b[^.!?\n]{0,80}[.!?\n,;]?\s*[^.!?\n]{0,40}\b(le|la|me|les|nos) (dieron|han dado) (de )?(el )?alta|(was|been|got) (discharged|released from (the )?hospital)\b|住院[^。！？\n]{0,20}(已经|已)出院/giu;

/** Every text NEGATED_EMERGENCY can match contains one of these (it matches normalised, lower-case text). */
const NEGATABLE = ['emergenc', 'urgen', '紧急', '緊急', '急事', 'cirugia', 'surgery', 'oncolog', 'intensiv', 'intensive', 'internad', 'hospital', '住院', 'uci', 'icu', 'critical care'];

/**
 * A death or an operation years ago is history, not a plea: "mi papá
 * falleció hace cinco años", "I had surgery two years ago", "几年前做过手术".
 * Recent past ("hace tres días", "yesterday") still counts.
 */
const LONG_AGO =
  /\b((\d+|a few|few|several|many|some|two|three|four|five|six|seven|eight|nine|ten|twenty) years? ago|last year|(hace|hara) (\d+|un|unos|varios|muchos|algunos|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|veinte) anos?|el ano pasado)\b|(\d+|[一二两三四五六七八九十几多数]+)年前|去年|前年|早年|(多|几|幾|數|数)年前|曾经|曾經|以前(?=[^，。,.]{0,4}(化疗|化療|手术|手術|住院|治疗|治療))/u;

/**
 * The illness is over: a discharge or a recovery stated ("ya me dieron de
 * alta y me encuentro bien", "she has recovered", "已经出院"). What the text
 * says before it is history; what follows it ("..., pero ahora está en
 * terapia intensiva") still pleads.
 */
const RECOVERED =
  /\b(me|le|la|nos|les|lo) (dieron|han dado|dio|dan) (de )?(el )?alta\b|\bya (esta|estoy|estamos|estan) (bien|recuperad[oa]s?|fuera de peligro)\b|\b(se encuentra|me encuentro|nos encontramos) (bien|recuperad[oa]s?|fuera de peligro)\b|\b(esta|estoy|estamos|estan) (recuperad[oa]s?|fuera de peligro)\b|\bse recupero\b|\bme recupere\b|\b(was|were|been|got) discharged\b|\b(has|have|had) (fully )?recovered\b|\b(is|am|are) (fine|well|ok|okay|recovered|out of (the )?hospital) now\b|已经?出院|已经?康复|已经?痊愈|已經?出院|已經?康復/gu;

/**
 * Words that bring a past event back to now ("cancer three years ago, and
 * now it came back"): with one of them anywhere, nothing is read as history,
 * since missing a real emergency costs more than an urgent ticket too many.
 */
const BACK_TO_NOW = /\b(now|right now|again|came back|has returned|relapsed?|today|yesterday|this week|ahora|otra vez|de nuevo|volvio|recaida|hoy|ayer|esta semana)\b|现在|目前|又|再次|复发|復發|今天|昨天|本周/u;

/** A year named as a time: "falleció en 2016", "since 2019", "2015年". */
const YEAR = /\b(?:en|in|since|desde|del ano|el ano|year|ano|de)\s+((?:19|20)\d\d)\b|((?:19|20)\d\d)\s*年/gu;

/** Names a year at least two years before `year` (the message's): "mi primera esposa falleció en 2016". */
function namesOldYear(text: string, year: number | null): boolean {
  if (year === null) return false;
  for (const m of text.matchAll(YEAR)) if (Number(m[1] ?? m[2]) <= year - 2) return true;
  return false;
}

/**
 * The text as a plea is read from: in a paragraph that opens in a time long
 * past ("En 2019 falleció mi papá. … Fue una emergencia tras otra."), every
 * sentence that does not bring itself back to now is history, dated by the
 * paragraph's opening. Normalised (`normalizeForMatch`); the text itself,
 * normalised, when no paragraph opens so.
 */
export function withoutPastParagraphs(raw: string, year: number | null): string {
  const paragraphs = raw.split(/\n[ \t]*\n/);
  if (paragraphs.length < 2) return normalizeForMatch(raw);
  return paragraphs
    .map((paragraph) => {
      const text = normalizeForMatch(paragraph);
      const sentences = text.match(SENTENCE) ?? [];
      const opening = sentences[0] ?? '';
      if (sentences.length < 2 || !(LONG_AGO.test(opening) || namesOldYear(opening, year))) return text;
      return sentences.filter((sentence, i) => i === 0 || BACK_TO_NOW.test(sentence)).join('. ');
    })
    .join('\n');
}

/** Sentences, and the clauses within them, of normalised text. */
const SENTENCE = /[^.!?;\n。！？；]+/gu;
/** Where a clause ends inside a sentence: a comma, or "y" / "and" / "pero" / "but" between two clauses. */
const CLAUSE_BREAK = /[，,]|\s(?:y|e|and|but|pero)\s/u;
/**
 * What brings the event of the clause before back ("cancer in 2019, and now
 * it came back", "y ahora volvió"): a bare "now" there ("falleció en 2019 y
 * mi peticionaria es ahora mi madre", "现在的担保人是我姐姐") speaks of something else.
 */
const RETURNS = /\b(again|came back|has returned|is back|relapsed?|otra vez|de nuevo|volvio|regreso|recaida|recayo)\b|又|再次|复发|復發/u;

/** Words before a recovery that put it in the future: "hasta que me recupere", "until she has recovered". */
const NOT_YET = /\b(until|till|when|once|before|hasta que|cuando|para que|apenas|en cuanto|una vez que|antes de que|despues de que)\s+(\S+\s+){0,2}$/u;

/** The text after its last statement of recovery or discharge; the text itself when it has none. */
function afterRecovery(t: PreparedText): PreparedText {
  if (!/alta|bien|recuper|discharged|recovered|fine|well|okay|\bok\b|hospital|院|康复|康復|痊愈/u.test(t.text)) return t;
  let end = -1;
  for (const m of t.text.matchAll(RECOVERED)) {
    if (NOT_YET.test(t.text.slice(Math.max(0, (m.index ?? 0) - 30), m.index))) continue;
    end = (m.index ?? 0) + m[0].length;
  }
  return end < 0 ? t : prepareNormalized(t.text.slice(end));
}

/**
 * The first emergency phrase pleaded in the subject or the text, or null.
 * `year`: the year the message was written (its Date), to read "en 2016" as
 * history; null when unknown.
 */
export function findEmergency(subject: PreparedText, body: PreparedText, matcher: PhraseMatcher, year: number | null = null): string | null {
  const longAgo = (text: string): boolean => LONG_AGO.test(text) || namesOldYear(text, year);
  const clean = (t: PreparedText): PreparedText => {
    // The expression can only match where its emergency words are: most texts skip it.
    if (!NEGATABLE.some((w) => t.text.includes(w))) return t;
    const without = t.text.replace(NEGATED_EMERGENCY, ' ');
    return without === t.text ? t : prepareText(without);
  };
  const find = (t: PreparedText): string | null => {
    const cleaned = afterRecovery(clean(t));
    const hit = matcher.find(cleaned);
    // Only a text that pleads something and dates something long ago is read again, without those sentences.
    if (hit === null || !longAgo(cleaned.text)) return hit;
    // A clause dated long ago is dropped, unless it or the clause after it
    // in the same sentence brings the event back to now ("cancer in 2019,
    // and now it came back"); a "now" elsewhere ("Is everything complete
    // now?", "他2018年去世以后，…，现在的担保人是…") does not.
    const recent = (cleaned.text.match(SENTENCE) ?? [])
      .flatMap((sentence) => {
        const clauses = sentence.split(CLAUSE_BREAK).filter((c) => c.trim() !== '');
        return clauses.filter((c, i) => !longAgo(c) || BACK_TO_NOW.test(c) || RETURNS.test(clauses[i + 1] ?? ''));
      })
      .join('. ');
    return matcher.find(prepareText(recent));
  };
  const inBody = find(body);
  if (inBody !== null) return inBody;
  // The subject names what the body tells ("父亲去世后…"): when the body's
  // mentions were all history or negated, so is the subject's.
  return matcher.find(body) !== null ? null : find(subject);
}

/** Longer than this, a reply says more than an acknowledgement. */
const ACKNOWLEDGEMENT_MAX_CHARS = 160;

/**
 * A bare acknowledgement: the text holds only `filler` phrases ("ok",
 * "muchas gracias, quedo atenta", "收到，谢谢！"), the sender's own name
 * (a signature) and punctuation. It asks nothing.
 */
export function bareAcknowledgement(text: string, senderName: string | null, filler: RegExp): boolean {
  // Not folded at all when even its white space could not bring it under the limit.
  if (text.length > ACKNOWLEDGEMENT_MAX_CHARS * 4) return false;
  const t = normalizeForMatch(text);
  if (t.length === 0 || t.length > ACKNOWLEDGEMENT_MAX_CHARS) return false;
  let rest = t.replace(filler, ' ');
  if (rest === t) return false;
  for (const word of normalizeForMatch(senderName ?? '').match(/[\p{L}\p{N}]{2,}/gu) ?? []) rest = rest.replace(new RegExp(`(?<![\\p{L}\\p{N}])${word}(?![\\p{L}\\p{N}])`, 'gu'), ' ');
  return !/[\p{L}\p{N}]/u.test(rest);
}
