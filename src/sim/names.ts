/**
 * Name pools in several scripts. Each name carries an ASCII form so generated email addresses look
 * like what people really use (transliterated), while display names keep accents and native scripts.
 */

export interface NamePart {
  native: string;
  ascii: string;
}

export interface Locale {
  locale: string;
  timeZone: string;
  phonePrefix: string;
  first: readonly NamePart[];
  last: readonly NamePart[];
  /** Family name first (CJK). */
  familyFirst?: boolean;
}

const p = (native: string, ascii = native): NamePart => ({ native, ascii });

export const LOCALES: readonly Locale[] = [
  {
    locale: 'en-GB',
    timeZone: 'Europe/London',
    phonePrefix: '+44 7700 9',
    first: [p('Oliver'), p('Amelia'), p('Harry'), p('Isla'), p('Jack'), p('Sophie'), p('Noah'), p('Grace')],
    last: [p('Smith'), p('Jones'), p('Taylor'), p('Brown'), p("O'Connor", 'oconnor'), p('Davies'), p('Evans')],
  },
  {
    locale: 'de',
    timeZone: 'Europe/Berlin',
    phonePrefix: '+49 151 2',
    first: [p('Jürgen', 'juergen'), p('Anna'), p('Lukas'), p('Sönke', 'soenke'), p('Marie'), p('Jörg', 'joerg')],
    last: [p('Müller', 'mueller'), p('Schröder', 'schroeder'), p('Weiß', 'weiss'), p('Groß', 'gross'), p('Becker')],
  },
  {
    locale: 'fr',
    timeZone: 'Europe/Paris',
    phonePrefix: '+33 6 12 3',
    first: [p('Élodie', 'elodie'), p('François', 'francois'), p('Chloé', 'chloe'), p('Anaïs', 'anais'), p('Zoé', 'zoe')],
    last: [p('Lefèvre', 'lefevre'), p('Dubois'), p('Garçon', 'garcon'), p('Bélanger', 'belanger'), p('Moreau')],
  },
  {
    locale: 'es',
    timeZone: 'Europe/Madrid',
    phonePrefix: '+34 612 3',
    first: [p('José', 'jose'), p('María', 'maria'), p('Iñaki', 'inaki'), p('Lucía', 'lucia'), p('Martín', 'martin')],
    last: [p('Núñez', 'nunez'), p('García', 'garcia'), p('Peña', 'pena'), p('Ibáñez', 'ibanez'), p('López', 'lopez')],
  },
  {
    locale: 'pt-BR',
    timeZone: 'America/Sao_Paulo',
    phonePrefix: '+55 11 9876',
    first: [p('João', 'joao'), p('Conceição', 'conceicao'), p('Thiago'), p('Ana Luísa', 'analuisa')],
    last: [p('Gonçalves', 'goncalves'), p('Araújo', 'araujo'), p('Silva'), p('Magalhães', 'magalhaes')],
  },
  {
    locale: 'ru',
    timeZone: 'Europe/Moscow',
    phonePrefix: '+7 916 55',
    first: [p('Дмитрий', 'dmitry'), p('Анастасия', 'anastasia'), p('Сергей', 'sergey'), p('Ольга', 'olga')],
    last: [p('Иванов', 'ivanov'), p('Смирнова', 'smirnova'), p('Кузнецов', 'kuznetsov'), p('Попова', 'popova')],
  },
  {
    locale: 'el',
    timeZone: 'Europe/Athens',
    phonePrefix: '+30 69 1234',
    first: [p('Γιώργος', 'giorgos'), p('Ελένη', 'eleni'), p('Νίκος', 'nikos'), p('Μαρία', 'maria')],
    last: [p('Παπαδόπουλος', 'papadopoulos'), p('Οικονόμου', 'oikonomou'), p('Γεωργίου', 'georgiou')],
  },
  {
    locale: 'ja',
    timeZone: 'Asia/Tokyo',
    phonePrefix: '+81 90 1234',
    familyFirst: true,
    first: [p('陽翔', 'haruto'), p('結衣', 'yui'), p('蓮', 'ren'), p('さくら', 'sakura')],
    last: [p('佐藤', 'sato'), p('鈴木', 'suzuki'), p('高橋', 'takahashi'), p('渡辺', 'watanabe')],
  },
  {
    locale: 'zh-CN',
    timeZone: 'Asia/Shanghai',
    phonePrefix: '+86 138 0013',
    familyFirst: true,
    first: [p('伟', 'wei'), p('芳', 'fang'), p('秀英', 'xiuying'), p('磊', 'lei')],
    last: [p('王', 'wang'), p('李', 'li'), p('张', 'zhang'), p('刘', 'liu')],
  },
  {
    locale: 'ar',
    timeZone: 'Asia/Dubai',
    phonePrefix: '+971 50 12',
    first: [p('محمد', 'mohammed'), p('فاطمة', 'fatima'), p('عمر', 'omar'), p('ليلى', 'layla')],
    last: [p('الحسن', 'alhassan'), p('عبد الله', 'abdullah'), p('المنصوري', 'almansouri')],
  },
  {
    locale: 'pl',
    timeZone: 'Europe/Warsaw',
    phonePrefix: '+48 512 3',
    first: [p('Łukasz', 'lukasz'), p('Małgorzata', 'malgorzata'), p('Zoë', 'zoe'), p('Wojciech')],
    last: [p('Wiśniewski', 'wisniewski'), p('Kowalczyk'), p('Dąbrowska', 'dabrowska'), p('Żak', 'zak')],
  },
];

export const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example', 'post.example.de'];

export const COMPANY_WORDS = [
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Hooli',
  'Vandelay',
  'Stark',
  'Wayne',
  'Tyrell',
  'Soylent',
  'Nordwind',
  'Sakura',
  'Olympia',
  'Baikal',
  'Atlas',
];
export const COMPANY_SUFFIX = ['Ltd', 'GmbH', 'SARL', 'S.A.', 'Inc.', 'K.K.', 'LLC', 'Sp. z o.o.'];

export const SUBJECTS = [
  'Cannot log in to my account',
  'Refund for order',
  'Invoice address is wrong',
  'Please delete my data',
  'Package never arrived',
  'Password reset link expired',
  'Question about my subscription',
  'Charged twice this month',
  'Change of address',
  'Complaint about delivery driver',
  'Account locked after update',
  'Warranty claim',
  'Wrong item received',
  'Need a copy of my contract',
];

export const OPENERS = [
  'Hello, I need some help with this.',
  'Hi team,',
  'Good morning,',
  'Bonjour,',
  'Hallo zusammen,',
  'Hola,',
  'Здравствуйте,',
  'こんにちは、',
  'مرحبا،',
];

export const BODIES = [
  'My order has not arrived and the tracking page has shown the same status for a week.',
  'I was charged twice for the same month. Could you refund one of the payments?',
  'The app logs me out every time I open it after the last update.',
  'Please update the billing address on my account to the new one below.',
  'I would like a copy of the contract I signed last year.',
  'The item I received is damaged, the box was open when it arrived.',
  'Can you tell me what data you hold about me?',
  'I moved house, please send the replacement to my new address.',
];

export const AGENT_REPLIES = [
  'Thanks for reaching out. I have looked into this and issued a correction.',
  'Sorry for the trouble. Could you confirm the last four digits of the card used?',
  'I have escalated this to our billing team; they will reply within two working days.',
  'The replacement has been shipped and should arrive this week.',
  'Internal note: customer called twice about this, handle with care.',
  'I checked the logs and the account is unlocked now.',
];

export const STREETS = ['Baker Street', 'Hauptstraße', 'Rue de Rivoli', 'Calle Mayor', 'ул. Ленина', 'Οδός Ερμού'];
