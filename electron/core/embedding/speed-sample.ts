// The fixed passages a speed measurement embeds. Written for Quire, so they ship with it; the
// same on every machine, so figures from two machines (or two models) compare.

const SENTENCES = [
  'The river rose three metres overnight after a week of steady rain in the hills above the town.',
  'Engineers inspected the old stone bridge at dawn and closed it to lorries until the water fell.',
  'A quarterly report should state the revenue, the costs and the cash at hand, with last year beside them.',
  'The committee approved the budget for the new library wing, which will hold twelve thousand books.',
  'Photosynthesis turns light, water and carbon dioxide into sugar, and releases oxygen as it does so.',
  'Most of the energy a cell uses comes from its mitochondria, which burn sugar with the oxygen it breathes.',
  'The contract ends on the last day of June unless either party gives ninety days of written notice.',
  'A tenant who leaves early remains liable for the rent until a suitable replacement signs a lease.',
  'To reset the router, hold the small button on its back for ten seconds, until the lights blink.',
  'Backups kept in the same building as the computer do not survive a fire; keep one copy elsewhere.',
  'The museum moved its collection of maps to a cooler room, because heat and light fade the old inks.',
  'Sailors used the height of the pole star above the horizon to judge how far north they had come.',
  'Regular walking lowers blood pressure, and the effect grows with the minutes walked each week.',
  'Patients should take the tablets with food, and not at the same time as antacids or iron.',
  'The recipe calls for two cups of flour, a pinch of salt and enough cold water to bind the dough.',
  'Bread rises because yeast feeds on the sugars in flour and gives off bubbles of carbon dioxide.',
  'The survey asked four hundred residents how often they used the bus, and why they did not use it more.',
  'Half of those who answered said the buses ran too seldom in the evening to be of any use to them.',
  'A compiler reads source code, checks its types and writes machine instructions that do the same work.',
  'When two threads write the same memory without a lock, the result depends on which one runs first.',
  'The orchestra rehearsed the symphony in sections, strings in the morning and brass after lunch.',
  'Her second novel follows a family of clockmakers across three generations and two wars.',
  'Glaciers carve wide valleys with flat floors, while rivers cut narrow ones shaped like a letter V.',
  'The soil on the north slope stays damp into summer, so the farmers there plant later in the year.',
  'Interest is charged daily on the unpaid balance and added to the account at the end of each month.',
  'Savings held for more than a year earn a higher rate, but a withdrawal before then loses the bonus.',
  'The telescope collects faint light from distant galaxies over hours, a little on each night.',
  'Astronomers measure how fast a galaxy recedes from the shift of known lines in its spectrum.',
  'The council will repair the footpath along the canal in spring, once the ground has dried.',
  'Volunteers counted the birds on the estuary and found more waders than in any year before.',
  'A good index lets a reader find a passage by its meaning, even when the words they remember differ.',
  'Searching by exact words finds names and numbers well, but misses a passage that says it differently.',
  'The minutes record who attended, what was decided, and who will act on each decision by when.',
  'Each chapter ends with questions that ask the reader to apply the idea to a case of their own.',
  'The vaccine trial enrolled volunteers in six countries and followed them for two full years.',
  'Fewer infections occurred in the vaccinated group, and the side effects were mild and brief.',
];

/** How many passages a measurement embeds. */
export const SPEED_SAMPLE_SIZE = 200;

/**
 * 200 passages of two to ten sentences (roughly 40 to 230 word-pieces), like the chunks a
 * library's documents are cut into. Deterministic: passage i starts at sentence 7i and takes
 * 2 + (5i mod 9) sentences, wrapping around the list.
 */
export function speedSamplePassages(count = SPEED_SAMPLE_SIZE): string[] {
  return Array.from({ length: count }, (_, i) => {
    const length = 2 + ((5 * i) % 9);
    const start = (7 * i) % SENTENCES.length;
    return Array.from({ length }, (_, j) => SENTENCES[(start + j) % SENTENCES.length]!).join(' ');
  });
}
