/** 100 math prompts and 100 others, from templates, so held-out prompts resemble trained ones without repeating them. */
export function mathAndOtherPrompts(): { math: string[]; other: string[] } {
  const n = Array.from({ length: 10 }, (_, i) => i + 2);
  const math = n.flatMap((a, i) => [
    `Solve for x: ${a}x + ${a * 3} = ${a * 7 + i}.`,
    `What is the derivative of ${a}x^${i + 2} + ${a + 5}x with respect to x?`,
    `Compute the definite integral of x^${i + 1} from 0 to ${a}.`,
    `Prove that the sum of the first ${a * 5} odd numbers is a perfect square.`,
    `Find the eigenvalues of the 2x2 matrix [[${a}, ${i}], [${i + 1}, ${a + 2}]].`,
    `How many prime numbers are there below ${a * 50}?`,
    `Factor the polynomial x^2 + ${a + i + 1}x + ${a * (i + 1)}.`,
    `What is the probability of rolling exactly ${i % 4 + 1} sixes in ${a + 3} throws of a fair die?`,
    `Simplify the expression (${a}x + ${i + 1})(${a + 1}x - ${i + 2}).`,
    `Calculate the limit of (${a}n^2 + ${i}) / (n^2 + ${a}) as n goes to infinity.`,
  ]);
  const topics = ['autumn', 'the sea', 'a lighthouse', 'city rain', 'old friends', 'a quiet forest', 'winter mornings', 'a lost cat', 'summer festivals', 'the night sky'];
  const foods = ['garlic', 'basil', 'lentils', 'salmon', 'mushrooms', 'spinach', 'chickpeas', 'lemon', 'tofu', 'pumpkin'];
  const cities = ['Lisbon', 'Kyoto', 'Montreal', 'Edinburgh', 'Seville', 'Hanoi', 'Oslo', 'Cape Town', 'Valparaiso', 'Krakow'];
  const other = topics.flatMap((topic, i) => [
    `Write a short poem about ${topic}.`,
    `Suggest a dinner recipe with ${foods[i]} and ${foods[(i + 3) % 10]}.`,
    `Give me travel tips for a weekend in ${cities[i]}.`,
    `Write a polite email to my manager asking for a day off to visit ${cities[(i + 5) % 10]}.`,
    `Recommend three novels set in ${cities[i]}.`,
    `How do I keep a ${['fern', 'cactus', 'monstera', 'pothos', 'orchid', 'ficus', 'peace lily', 'snake plant', 'bonsai', 'calathea'][i]} healthy indoors?`,
    `Write a birthday message for a friend who loves ${topic}.`,
    `Describe a cosy cafe in ${cities[(i + 2) % 10]} for a short story.`,
    `What are good names for a pet ${['dog', 'cat', 'rabbit', 'parrot', 'hamster', 'turtle', 'goldfish', 'ferret', 'horse', 'lizard'][i]}?`,
    `Plan a relaxed Sunday picnic with ${foods[(i + 1) % 10]} sandwiches.`,
  ]);
  return { math, other };
}
