/** Software, books, documents and photos: a file-sharing directory is more than music. */
export const SOFTWARE: Array<{ pattern: string; versions: string[]; mib: [number, number] }> = [
  { pattern: 'ubuntu-{v}-desktop-amd64.iso', versions: ['20.04.6', '22.04.3', '22.04.4', '23.10.1', '24.04', '24.04.1'], mib: [3500, 6000] },
  { pattern: 'ubuntu-{v}-live-server-amd64.iso', versions: ['20.04.6', '22.04.3', '24.04'], mib: [1400, 2600] },
  { pattern: 'debian-{v}-amd64-netinst.iso', versions: ['11.8.0', '12.2.0', '12.4.0', '12.5.0'], mib: [380, 660] },
  { pattern: 'debian-live-{v}-amd64-kde.iso', versions: ['12.4.0', '12.5.0'], mib: [3000, 3400] },
  { pattern: 'Fedora-Workstation-Live-x86_64-{v}.iso', versions: ['38-1.6', '39-1.5', '40-1.14'], mib: [1900, 2300] },
  { pattern: 'archlinux-{v}-x86_64.iso', versions: ['2023.12.01', '2024.01.01', '2024.02.01'], mib: [800, 1000] },
  { pattern: 'linuxmint-{v}-cinnamon-64bit.iso', versions: ['21.2', '21.3'], mib: [2800, 3000] },
  { pattern: 'FreeBSD-{v}-RELEASE-amd64-disc1.iso', versions: ['13.2', '14.0'], mib: [1000, 1200] },
  { pattern: 'vlc-{v}-win64.exe', versions: ['3.0.18', '3.0.20', '3.0.21'], mib: [40, 44] },
  { pattern: 'LibreOffice_{v}_Win_x86-64.msi', versions: ['7.5.9', '7.6.4', '24.2.0'], mib: [330, 360] },
  { pattern: 'gimp-{v}-setup.exe', versions: ['2.10.34', '2.10.36'], mib: [250, 300] },
  { pattern: 'blender-{v}-linux-x64.tar.xz', versions: ['3.6.5', '4.0.2', '4.1.0'], mib: [280, 330] },
  { pattern: 'node-v{v}-x64.msi', versions: ['18.19.0', '20.11.0', '21.6.1'], mib: [27, 32] },
  { pattern: 'python-{v}-amd64.exe', versions: ['3.11.7', '3.12.1', '3.12.2'], mib: [24, 27] },
  { pattern: '7z{v}-x64.exe', versions: ['2301', '2401'], mib: [1, 2] },
  { pattern: 'Firefox Setup {v}.exe', versions: ['115.6.0esr', '121.0', '122.0.1'], mib: [55, 60] },
  { pattern: 'audacity-win-{v}-64bit.exe', versions: ['3.4.2', '3.5.1'], mib: [30, 34] },
  { pattern: 'obs-studio-{v}-full-x64.zip', versions: ['29.1.3', '30.0.2'], mib: [120, 140] },
  { pattern: 'kodi-{v}-Nexus-x64.exe', versions: ['20.2', '20.3'], mib: [70, 80] },
  { pattern: 'HandBrake-{v}-x86_64-Win_GUI.exe', versions: ['1.7.2', '1.7.3'], mib: [24, 28] },
  { pattern: 'qbittorrent_{v}_x64_setup.exe', versions: ['4.6.2', '4.6.3'], mib: [30, 34] },
  { pattern: 'Minecraft-{v}.jar', versions: ['1.20.1', '1.20.4'], mib: [20, 26] },
  { pattern: 'Shotcut-{v}.dmg', versions: ['23.12.15', '24.01.28'], mib: [190, 220] },
  { pattern: 'F-Droid-{v}.apk', versions: ['1.18.0', '1.19.0'], mib: [10, 12] },
];

export const BOOK_AUTHORS = [
  'George Orwell', 'Jane Austen', 'Fyodor Dostoevsky', 'Фёдор Достоевский', 'Leo Tolstoy', 'Gabriel García Márquez',
  'Haruki Murakami', '村上春樹', 'Jorge Luis Borges', 'Franz Kafka', 'Virginia Woolf', 'Ursula K. Le Guin',
  'Isaac Asimov', 'Philip K. Dick', 'Terry Pratchett', 'J.R.R. Tolkien', 'Umberto Eco', 'Albert Camus',
  'Simone de Beauvoir', 'Yuval Noah Harari', 'Stephen Hawking', 'Richard Feynman', 'Donald Knuth', 'Carl Sagan',
];

export const BOOK_TITLE_WORDS = [
  'the', 'of', 'and', 'a', 'history', 'art', 'guide', 'introduction', 'science', 'world', 'mind', 'time', 'war',
  'peace', 'city', 'night', 'garden', 'house', 'river', 'machine', 'language', 'principles', 'theory', 'practice',
  'complete', 'handbook', 'programming', 'mathematics', 'physics', 'philosophy', 'economics', 'cooking', 'kitchen',
  'travel', 'journey', 'island', 'empire', 'secret', 'lost', 'last', 'first', 'stranger', 'brothers', 'years',
];

export const BOOK_FORMATS = { epub: 5, pdf: 4, mobi: 1, djvu: 0.3, cbz: 0.4 } as const;

export const DOCUMENT_NAMES = [
  'Annual Report {year}.pdf', 'Invoice {year}-{mm}.pdf', 'Invoice_{n4}.pdf', 'Tax Return {year}.pdf', 'CV {name}.docx',
  'Resume {name}.pdf', 'Meeting Notes {date}.docx', 'Budget {year}.xlsx', 'Thesis final v{n1}.docx',
  'Presentation {event}.pptx', 'Lease Agreement.pdf', 'Bank Statement {year}-{mm}.pdf', 'notes.txt',
  'README.md', 'todo.txt', 'Recipes.docx', 'Expenses {year}.ods', 'Contacts.csv', 'Letter to {name}.odt',
  'Report Q{q} {year}.pdf', 'Manual.pdf', 'Scan {date}.pdf', 'Insurance Policy {year}.pdf',
];

export const PHOTO_NAMES = [
  'IMG_{date}_{time}.jpg', 'IMG_{n4}.JPG', 'DSC_{n4}.JPG', 'DSC{n5}.jpg', 'PXL_{date}_{time}{ms}.jpg',
  'Screenshot {isodate} at {dottime}.png', 'WhatsApp Image {isodate} at {dottime}.jpeg', 'P{n7}.JPG',
  'IMG_{date}_{time}.HEIC', '{event} {year} {n3}.jpg', 'scan{n4}.tif', '_MG_{n4}.CR2', 'DSC_{n4}.NEF',
];

export const ARCHIVE_NAMES = [
  'backup-{isodate}.tar.gz', 'photos {year}.zip', 'project-src.7z', '{event} {year}.rar', 'Documents {year}.zip',
  'website-backup-{isodate}.tgz', 'old stuff.zip', 'savegames.zip', 'fonts.zip', 'wallpapers {year}.7z',
];

export const FIRST_NAMES = ['Anna', 'Ben', 'Chloé', 'David', 'Elif', 'Farid', 'Greta', 'Hiroshi', 'Ines', 'Jonas', 'Karin', 'Luis', 'María', 'Nikolai', 'Olga', 'Pedro', 'Søren', 'Zoë'];

/** Syllables for the long tail of made-up names: each gives rare, searchable words. */
export const SYLLABLES = [
  'ka', 'lo', 'mi', 'ra', 'ven', 'tor', 'sel', 'dra', 'mo', 'ne', 'thi', 'var', 'el', 'qu', 'zan', 'bri', 'cor', 'dus',
  'fen', 'gal', 'har', 'is', 'jul', 'kes', 'lum', 'mar', 'nor', 'os', 'pel', 'ros', 'sa', 'tin', 'ul', 'vo', 'wyn',
  'xi', 'yor', 'zel', 'an', 'ber', 'cha', 'dor', 'en', 'fa', 'gor', 'hal', 'io', 'ja', 'kor', 'li', 'ma', 'nu',
];
