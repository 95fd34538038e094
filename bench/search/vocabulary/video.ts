/** Real titles head the video catalog; generated ones ("The Silent Harbour") fill the tail. */
export const KNOWN_MOVIES: Array<[title: string, year: number]> = [
  ['The Matrix', 1999], ['The Matrix Reloaded', 2003], ['Inception', 2010], ['Interstellar', 2014],
  ['The Dark Knight', 2008], ['Pulp Fiction', 1994], ['Fight Club', 1999], ['The Godfather', 1972],
  ['Blade Runner', 1982], ['Blade Runner 2049', 2017], ['Alien', 1979], ['Aliens', 1986], ['Amélie', 2001],
  ['Spirited Away', 2001], ['千と千尋の神隠し', 2001], ['Léon', 1994], ['Das Boot', 1981], ['Oldboy', 2003],
  ['Parasite', 2019], ['기생충', 2019], ['Pan\'s Labyrinth', 2006], ['Y Tu Mamá También', 2001],
  ['The Lord of the Rings The Fellowship of the Ring', 2001], ['The Lord of the Rings The Two Towers', 2002],
  ['The Lord of the Rings The Return of the King', 2003], ['Star Wars', 1977], ['The Empire Strikes Back', 1980],
  ['Back to the Future', 1985], ['Jurassic Park', 1993], ['Titanic', 1997], ['Gladiator', 2000], ['Memento', 2000],
  ['The Shawshank Redemption', 1994], ['Forrest Gump', 1994], ['Goodfellas', 1990], ['Heat', 1995], ['Se7en', 1995],
  ['The Big Lebowski', 1998], ['Fargo', 1996], ['No Country for Old Men', 2007], ['There Will Be Blood', 2007],
  ['Mad Max Fury Road', 2015], ['Dune', 2021], ['Arrival', 2016], ['Her', 2013], ['Drive', 2011], ['Up', 2009],
  ['WALL-E', 2008], ['Toy Story', 1995], ['The Lion King', 1994], ['Akira', 1988], ['Ghost in the Shell', 1995],
  ['Cidade de Deus', 2002], ['Das Leben der Anderen', 2006], ['Le Fabuleux Destin d\'Amélie Poulain', 2001],
  ['Trainspotting', 1996], ['Lock Stock and Two Smoking Barrels', 1998], ['Snatch', 2000], ['Kill Bill Vol 1', 2003],
  ['Kill Bill Vol 2', 2004], ['Terminator 2 Judgment Day', 1991], ['The Terminator', 1984], ['Predator', 1987],
  ['Die Hard', 1988], ['Top Gun', 1986], ['Top Gun Maverick', 2022], ['Oppenheimer', 2023], ['Barbie', 2023],
  ['Everything Everywhere All at Once', 2022], ['The Grand Budapest Hotel', 2014], ['Moonlight', 2016],
];

export const KNOWN_SHOWS = [
  'Breaking Bad', 'Game of Thrones', 'The Wire', 'The Sopranos', 'Friends', 'Seinfeld', 'The Office', 'Lost',
  'Stranger Things', 'The Mandalorian', 'Better Call Saul', 'True Detective', 'Sherlock', 'Doctor Who',
  'Black Mirror', 'Fargo', 'Dark', 'Money Heist', 'La Casa de Papel', 'Narcos', 'The Crown', 'Succession',
  'Chernobyl', 'Twin Peaks', 'The X-Files', 'Firefly', 'Battlestar Galactica', 'Mad Men', 'House of Cards',
  'Westworld', 'The Expanse', 'Severance', 'The Bear', 'Shōgun', 'Squid Game', '오징어 게임', 'Top Gear',
];

export const RELEASES = [
  { quality: '1080p', source: 'BluRay', codec: 'x264', container: 'mkv', gib: [6, 14] },
  { quality: '720p', source: 'BluRay', codec: 'x264', container: 'mkv', gib: [3, 6] },
  { quality: '2160p', source: 'UHD.BluRay', codec: 'x265', container: 'mkv', gib: [18, 60] },
  { quality: '1080p', source: 'WEB-DL', codec: 'H264', container: 'mkv', gib: [3, 8] },
  { quality: '1080p', source: 'WEBRip', codec: 'x265', container: 'mp4', gib: [1.5, 4] },
  { quality: '720p', source: 'WEBRip', codec: 'x264', container: 'mp4', gib: [0.8, 2] },
  { quality: 'DVDRip', source: 'DVD', codec: 'XviD', container: 'avi', gib: [0.7, 1.4] },
  { quality: '480p', source: 'HDTV', codec: 'x264', container: 'mp4', gib: [0.3, 0.7] },
] as const;
export type Release = (typeof RELEASES)[number];

export const RELEASE_GROUPS = ['SPARKS', 'AMIABLE', 'GECKOS', 'NTb', 'FLUX', 'CMRG', 'EVO', 'DIMENSION', 'LOL', 'KILLERS', 'ION10', 'PSA', 'FGT'];

export const HOME_VIDEO_NAMES = ['VID_{date}_{time}.mp4', 'MOV_{n4}.MOV', 'GOPR{n4}.MP4', '{date} {event}.mp4', 'PXL_{date}_{time}.mp4'];
export const EVENTS = ['Birthday', 'Wedding', 'Holiday', 'Graduation', 'Christmas', 'Beach', 'Concert', 'Hiking', 'Skiing', 'Road Trip'];
