/**
 * Real artists and a few real albums head the music catalog, so the popular end of the corpus
 * (and the queries) reads like a real directory; generated artists fill the long tail.
 */
export interface KnownAlbum {
  title: string;
  year: number;
  tracks: string[];
}

export const KNOWN_ALBUMS: Record<string, KnownAlbum[]> = {
  Radiohead: [
    {
      title: 'OK Computer',
      year: 1997,
      tracks: ['Airbag', 'Paranoid Android', 'Subterranean Homesick Alien', 'Exit Music (For a Film)', 'Let Down', 'Karma Police', 'Fitter Happier', 'Electioneering', 'Climbing Up the Walls', 'No Surprises', 'Lucky', 'The Tourist'],
    },
    {
      title: 'Pablo Honey',
      year: 1993,
      tracks: ['You', 'Creep', 'How Do You', 'Stop Whispering', 'Thinking About You', 'Anyone Can Play Guitar', 'Ripcord', 'Vegetable', 'Prove Yourself', 'I Can\'t', 'Lurgee', 'Blow Out'],
    },
  ],
  'The Beatles': [
    {
      title: 'Abbey Road',
      year: 1969,
      tracks: ['Come Together', 'Something', 'Maxwell\'s Silver Hammer', 'Oh! Darling', 'Octopus\'s Garden', 'I Want You (She\'s So Heavy)', 'Here Comes the Sun', 'Because', 'You Never Give Me Your Money', 'Sun King', 'Mean Mr. Mustard', 'Polythene Pam', 'Golden Slumbers', 'Carry That Weight', 'The End', 'Her Majesty'],
    },
    {
      title: 'Let It Be',
      year: 1970,
      tracks: ['Two of Us', 'Dig a Pony', 'Across the Universe', 'I Me Mine', 'Dig It', 'Let It Be', 'Maggie Mae', 'I\'ve Got a Feeling', 'One After 909', 'The Long and Winding Road', 'For You Blue', 'Get Back'],
    },
  ],
  Nirvana: [
    {
      title: 'Nevermind',
      year: 1991,
      tracks: ['Smells Like Teen Spirit', 'In Bloom', 'Come as You Are', 'Breed', 'Lithium', 'Polly', 'Territorial Pissings', 'Drain You', 'Lounge Act', 'Stay Away', 'On a Plain', 'Something in the Way'],
    },
  ],
  'AC/DC': [
    {
      title: 'Back in Black',
      year: 1980,
      tracks: ['Hells Bells', 'Shoot to Thrill', 'What Do You Do for Money Honey', 'Given the Dog a Bone', 'Let Me Put My Love into You', 'Back in Black', 'You Shook Me All Night Long', 'Have a Drink on Me', 'Shake a Leg', 'Rock and Roll Ain\'t Noise Pollution'],
    },
  ],
  U2: [
    {
      title: 'The Joshua Tree',
      year: 1987,
      tracks: ['Where the Streets Have No Name', 'I Still Haven\'t Found What I\'m Looking For', 'With or Without You', 'Bullet the Blue Sky', 'Running to Stand Still', 'Red Hill Mining Town', 'In God\'s Country', 'Trip Through Your Wires', 'One Tree Hill', 'Exit', 'Mothers of the Disappeared'],
    },
  ],
  Beyoncé: [
    {
      title: 'I Am... Sasha Fierce',
      year: 2008,
      tracks: ['If I Were a Boy', 'Halo', 'Disappear', 'Broken-Hearted Girl', 'Ave Maria', 'Smash Into You', 'Single Ladies (Put a Ring on It)', 'Radio', 'Diva', 'Sweet Dreams', 'Video Phone'],
    },
  ],
  Motörhead: [
    {
      title: 'Ace of Spades',
      year: 1980,
      tracks: ['Ace of Spades', 'Love Me Like a Reptile', 'Shoot You in the Back', 'Live to Win', 'Fast and Loose', 'We Are the Road Crew', 'Fire Fire', 'Jailbait', 'Dance', 'Bite the Bullet', 'The Chase Is Better Than the Catch', 'The Hammer'],
    },
  ],
  'Sigur Rós': [
    {
      title: 'Ágætis byrjun',
      year: 1999,
      tracks: ['Intro', 'Svefn-g-englar', 'Starálfur', 'Flugufrelsarinn', 'Ný batterí', 'Hjartað hamast', 'Viðrar vel til loftárása', 'Olsen Olsen', 'Ágætis byrjun', 'Avalon'],
    },
  ],
  坂本龍一: [
    {
      title: '音楽図鑑',
      year: 1984,
      tracks: ['Tibetan Dance', 'Etude', 'Paradise Lost', 'Self Portrait', '旅の極北', 'M.A.Y. in the Backyard', '羽の林で', 'Replica', 'マ・メール・ロワ', 'A Tribute to N.J.P.'],
    },
  ],
  'Daft Punk': [
    {
      title: 'Discovery',
      year: 2001,
      tracks: ['One More Time', 'Aerodynamic', 'Digital Love', 'Harder Better Faster Stronger', 'Crescendolls', 'Nightvision', 'Superheroes', 'High Life', 'Something About Us', 'Voyager', 'Veridis Quo', 'Short Circuit', 'Face to Face', 'Too Long'],
    },
  ],
};

/** Real artists whose albums and tracks are generated from the title words. */
export const OTHER_REAL_ARTISTS = [
  'Pink Floyd', 'Led Zeppelin', 'Queen', 'David Bowie', 'The Rolling Stones', 'Metallica', 'Coldplay', 'Muse',
  'Arctic Monkeys', 'The Strokes', 'Oasis', 'Blur', 'Portishead', 'Massive Attack', 'Björk', 'Mötley Crüe',
  'Céline Dion', 'Édith Piaf', 'Måneskin', 'Queensrÿche', 'Blue Öyster Cult', 'Hüsker Dü', 'Mylène Farmer',
  'Stromae', 'Rammstein', 'Kraftwerk', 'Die Ärzte', 'Kino', 'Ария', 'Земфира', '宇多田ヒカル', 'YMO',
  '久石譲', 'BTS', '방탄소년단', 'IU', 'Fairuz', 'Ravi Shankar', 'A.R. Rahman', 'Caetano Veloso',
  'Gilberto Gil', 'Os Mutantes', 'Buena Vista Social Club', 'Shakira', 'Maná', 'Rosalía', 'Bad Bunny',
  'Fela Kuti', 'Ali Farka Touré', 'Tinariwen', 'Miles Davis', 'John Coltrane', 'Nina Simone', 'Ella Fitzgerald',
  'Johnny Cash', 'Bob Dylan', 'Neil Young', 'Leonard Cohen', 'Joni Mitchell', 'Fleetwood Mac', 'Eagles',
  'The Doors', 'The Who', 'The Clash', 'The Cure', 'The Smiths', 'Joy Division', 'New Order', 'Depeche Mode',
  'Pet Shop Boys', 'Eurythmics', 'Madonna', 'Prince', 'Michael Jackson', 'Whitney Houston', 'Mariah Carey',
  'Rihanna', 'Adele', 'Amy Winehouse', 'Lady Gaga', 'Taylor Swift', 'Billie Eilish', 'Drake', 'Kanye West',
  'Eminem', 'Jay-Z', 'Kendrick Lamar', 'Outkast', 'Wu-Tang Clan', 'Public Enemy', 'Run-DMC', 'Beastie Boys',
  'The Prodigy', 'Chemical Brothers', 'Aphex Twin', 'Boards of Canada', 'Moby', 'Fatboy Slim', 'Deadmau5',
  'Avicii', 'David Guetta', 'Calvin Harris', 'Tiësto', 'Armin van Buuren', 'Iron Maiden', 'Black Sabbath',
  'Slayer', 'Megadeth', 'Pantera', 'Tool', 'System of a Down', 'Linkin Park', 'Red Hot Chili Peppers',
  'Pearl Jam', 'Soundgarden', 'Alice in Chains', 'Foo Fighters', 'Green Day', 'The Offspring', 'Blink-182',
  'Weezer', 'Pixies', 'Sonic Youth', 'R.E.M.', 'The Police', 'Sting', 'Dire Straits', 'Genesis', 'Yes',
  'Rush', 'ABBA', 'Roxette', 'a-ha', 'Bee Gees', 'The Beach Boys', 'Simon & Garfunkel', 'Elvis Presley',
  'Frank Sinatra', 'Ludwig van Beethoven', 'Wolfgang Amadeus Mozart', 'Johann Sebastian Bach', 'Frédéric Chopin',
  'Antonín Dvořák', 'Pyotr Ilyich Tchaikovsky', 'Sergei Rachmaninoff', 'Erik Satie', 'Claude Debussy',
];

/** Words album and track titles are made of; common words repeat on purpose. */
export const TITLE_WORDS = [
  'the', 'the', 'the', 'of', 'of', 'a', 'in', 'my', 'your', 'to', 'and', 'on', 'me', 'you', 'love', 'love', 'night',
  'heart', 'dream', 'fire', 'rain', 'blue', 'black', 'red', 'gold', 'silver', 'light', 'dark', 'summer', 'winter',
  'city', 'road', 'home', 'girl', 'boy', 'baby', 'world', 'sun', 'moon', 'star', 'stars', 'sky', 'ocean', 'river',
  'wild', 'young', 'old', 'new', 'time', 'life', 'day', 'days', 'tonight', 'forever', 'never', 'again', 'alone',
  'together', 'dance', 'dancing', 'run', 'running', 'fall', 'falling', 'rise', 'lost', 'found', 'broken', 'free',
  'paradise', 'heaven', 'angel', 'angels', 'ghost', 'ghosts', 'shadow', 'shadows', 'electric', 'neon', 'glass',
  'stone', 'wall', 'walls', 'door', 'window', 'morning', 'midnight', 'sunday', 'monday', 'friday', 'highway',
  'train', 'car', 'radio', 'tv', 'video', 'song', 'songs', 'blues', 'soul', 'funk', 'rock', 'roll', 'disco',
  'machine', 'machines', 'system', 'signal', 'echo', 'echoes', 'wave', 'waves', 'storm', 'thunder', 'lightning',
  'snow', 'ice', 'desert', 'island', 'mountain', 'valley', 'garden', 'flower', 'flowers', 'rose', 'roses',
  'diamond', 'diamonds', 'money', 'king', 'queen', 'kings', 'empire', 'war', 'peace', 'hope', 'memory', 'memories',
  'secret', 'secrets', 'story', 'stories', 'letter', 'letters', 'promise', 'kiss', 'tears', 'smile', 'eyes',
  'hands', 'voice', 'voices', 'silence', 'noise', 'sound', 'sounds', 'music', 'party', 'street', 'streets',
  'town', 'country', 'west', 'east', 'north', 'south', '100', '1999', '2000', '24', '7', 'one', 'two', 'three',
  'last', 'first', 'only', 'everything', 'nothing', 'somebody', 'nobody', 'goodbye', 'hello', 'yesterday',
  'tomorrow', 'today', 'happy', 'sad', 'crazy', 'beautiful', 'sweet', 'bitter', 'cold', 'hot', 'high', 'low',
  'deep', 'slow', 'fast', 'little', 'big', 'long', 'short', 'magic', 'mirror', 'mirrors', 'highway', 'machine',
  'amor', 'corazón', 'noche', 'vida', 'amour', 'nuit', 'coeur', 'liebe', 'nacht', 'sehnsucht', 'sakura', 'ame',
  'yume', 'любовь', 'ночь', '夜', '愛', '사랑',
];

export const TRACK_DECORATIONS = [
  'Live at {venue} {year}', 'Live', 'Remix', '{dj} Remix', 'Acoustic', 'Radio Edit', 'Remastered {year}',
  'Demo', 'Extended Mix', 'Instrumental', 'feat. {artist}', 'Club Mix', 'Live', 'Remix', 'Unplugged', 'Bonus Track',
];

export const VENUES = [
  'Glastonbury', 'Wembley', 'Budokan', 'Montreux', 'Reading', 'Red Rocks', 'Madison Square Garden',
  'Royal Albert Hall', 'Roskilde', 'Coachella', 'Hammersmith Odeon', 'Olympia', 'Fillmore', 'Rock in Rio',
];

export const DJS = ['Tiësto', 'Skrillex', 'Paul Oakenfold', 'DJ Shadow', 'Mark Ronson', 'Diplo', 'Kaskade', 'MK', 'Dave Clarke', 'DJ Snake'];

export const ALBUM_EDITIONS = ['Deluxe Edition', 'Remastered', 'Expanded Edition', '2CD', 'Anniversary Edition', 'Live', 'Bonus Tracks'];
