/**
 * What the task asks for, as a priori word groups (not learned from any test prompt): a model
 * learns from the training data how much each kind of request says about difficulty.
 */
export const ASKS: ReadonlyArray<readonly [string, RegExp]> = [
  ['asks_proof', /\b(prove|proof|derive|derivation|show that|demonstrate that|rigorous(ly)?)\b/g],
  ['asks_design', /\b(design|architect(ure)?|implement(ation)?|build|develop|refactor)\b/g],
  ['asks_analysis', /\b(analy[sz]e|analysis|compare|contrast|evaluate|critique|assess|justify|trade-?offs?)\b/g],
  ['asks_explain', /\b(explain|why|how (does|do|can|would))\b/g],
  ['asks_compute', /\b(calculate|compute|solve|find|determine|how (many|much|long|far))\b/g],
  ['asks_code', /\b(code|function|program|script|algorithm|python|javascript|typescript|java|c\+\+|sql|regex|api|class)\b/g],
  ['asks_optimise', /\b(optimi[sz]e|efficient(ly)?|complexity|performance|scal(e|able|ability)|concurren(t|cy))\b/g],
  ['asks_depth', /\b(step[- ]by[- ]step|in detail|detailed|thorough(ly)?|comprehensive|rigorous)\b/g],
  ['asks_rewrite', /\b(translate|summari[sz]e|rephrase|rewrite|paraphrase|correct|spelling|grammar|sort|format|list)\b/g],
  ['asks_constraints', /\b(must|without|at (least|most)|exactly|ensure|constraint|assume)\b/g],
];

/**
 * The proof, design, analysis and optimisation groups in French, Spanish, Portuguese, German,
 * Italian, Chinese and Japanese. The English groups above see none of a request written in another
 * language, so a proof asked for in French looked like chit-chat to the task prior.
 */
export const OTHER_LANGUAGE_REASONING =
  /(?<![\p{L}\p{M}])(?:d[ée]montre[rz]?|prouve[rz]?|analyse[rz]|concevez|concevoir|comparez|justifiez|d[ée]rive[rz]|demuestr[ae]|demostrar|dise[ñn]ar?|analiza[r]?|compar[ae]|justifi(?:que|ca|car)|deriv[ae]|demonstr[ae]|analis[ae]r?|projete|beweisen|beweise|zeigen sie,? dass|analysieren|entwerfen|entwerfe|vergleichen|begr[üu]nden|herleiten|dimostra(?:re)?|analizza(?:re)?|progetta(?:re)?|confronta(?:re)?)(?![\p{L}\p{M}])|证明|推导|分析|设计|比较|論証|証明|導出|設計|比較|説明して/gu;

/** Diagnosing a fault is reasoning too: a short ask about pasted code that names a bug is not a rewrite. */
const DIAGNOSIS = /\b(bugs?|debug\w*|hangs?|deadlocks?|races?|racy|interleavings?|crash\w*|leaks?|wrong|incorrect|counter-?examples?|fails?|failing|panics?|undefined behaviou?r)\b/;

const REASONING_GROUPS = new Set(['asks_proof', 'asks_design', 'asks_analysis', 'asks_explain', 'asks_optimise']);
const REASONING = [...ASKS.filter(([name]) => REASONING_GROUPS.has(name)).map(([, pattern]) => new RegExp(pattern.source)), DIAGNOSIS, new RegExp(OTHER_LANGUAGE_REASONING.source, 'u')];

/** Whether a text asks for reasoning: a proof, design, analysis, explanation, optimisation or diagnosis (any language above). */
export function asksForReasoning(text: string): boolean {
  const lower = text.toLowerCase();
  return REASONING.some((pattern) => pattern.test(lower));
}
