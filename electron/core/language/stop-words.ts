/**
 * Short function-word lists: enough to tell languages apart and to keep the commonest
 * words out of the full-text index. English is left to the index's own list.
 */
export const STOP_WORDS: Record<string, readonly string[]> = {
  en: 'the of and to in is that it for was on are as with by be this at from or an which have not but were they their has had been its'.split(
    ' ',
  ),
  de: 'der die das und ist nicht ein eine einer eines einem einen zu den dem des mit sich auf für von im in auch als es sind wird werden wir ich sie bei oder aus nach wie noch nur durch über dass'.split(
    ' ',
  ),
  fr: 'le la les des du de et est un une pour dans que qui en sur pas au aux par avec sont ce cette il elle nous vous ils ont ne se son sa ses'.split(
    ' ',
  ),
  es: 'el la los las de del y que en un una por con para es se no al lo como más pero sus su este esta son entre cuando muy sin sobre'.split(
    ' ',
  ),
  it: 'il lo la gli le di del della dei delle e che un una per con non sono è da al alla nel nella si come anche più ma questo questa'.split(
    ' ',
  ),
  pt: 'o a os as de do da dos das e que em um uma para com não por se na no mais como ao mas foi são seu sua ou'.split(
    ' ',
  ),
  nl: 'de het een en van in is dat op te zijn met voor niet aan er ook als bij door om maar dan wordt werd deze dit naar'.split(
    ' ',
  ),
  ja: 'の に は を た が で て と し れ さ ある いる も する から な こと として い や れる など なっ ない この ため その あっ よう また もの という あり まで られ なる へ か だ これ によって により おり より による ず なり られる において ば なかっ なく しかし について せ だっ その後 できる それ う ので なお のみ でき き つ における および いう さらに でも ら たり その他 に関する たち ます ん なら に対して 特に せる 及び これら とき では にて ほか ながら うち そして とともに ただし かつて それぞれ または お ほど ものの に対する ほとんど と共に といった です とも ところ ここ'.split(
    ' ',
  ),
};

export const STOP_SETS: Record<string, ReadonlySet<string>> = Object.fromEntries(
  Object.entries(STOP_WORDS).map(([lang, words]) => [lang, new Set(words)]),
);

/**
 * Words that shape a question but name nothing: interrogatives, auxiliaries, pronouns and
 * request verbs. They are dropped from queries only (passages keep them), so "What is X?"
 * is matched on X, never on a page of listed questions that says "what is" many times.
 */
export const QUESTION_WORDS: Record<string, readonly string[]> = {
  en: 'what whats who whom whose which where when why how is are was were be been being do does did done doing have has had having can could would should shall will may might must i me my we our you your he she him her his it its they them their there here this that these those the a an of to in on for at by with from about as into please tell explain describe define anything something everything nothing some any say says said tells told mention mentions mentioned explains described describes according documents document docs files file sources'.split(
    ' ',
  ),
  de: 'was wer wen wem wessen wie wo woher wohin warum weshalb wieso wann welche welcher welches welchen welchem ist sind war waren wird werden hat haben hatte kann können könnte soll sollte gibt es ich du wir ihr mir mich uns bitte erkläre erklären'.split(
    ' ',
  ),
  fr: 'que qu quoi qui quel quelle quels quelles comment pourquoi quand où combien est ce c sont était a ont peut peuvent fait je tu nous vous moi expliquer explique'.split(
    ' ',
  ),
  es: 'qué que quién quiénes quien cuál cuáles cual cómo como dónde donde cuándo cuando por porqué cuánto cuántos es son está están fue era ha han hay puede pueden yo tú me nos explica explicar'.split(
    ' ',
  ),
  it: 'che cosa chi come dove quando perché perche quale quali quanto quanti è sono era ha hanno c può possono io mi ci spiega spiegare'.split(
    ' ',
  ),
  pt: 'que quê quem qual quais como onde quando porque por quanto é são era foi tem têm há pode podem eu me nos explique explicar'.split(
    ' ',
  ),
  nl: 'wat wie wiens welke welk hoe waar wanneer waarom is zijn was waren heeft hebben kan kunnen wordt worden ik jij we wij mij ons'.split(
    ' ',
  ),
  ja: 'とは 何 なに なん 誰 だれ どう どの どこ いつ なぜ どうして どんな どれ ですか ますか か のか 教え ください'.split(
    ' ',
  ),
  zh: '什么 是 谁 怎么 怎样 如何 为什么 哪 哪里 哪个 哪些 吗 呢 的 请 解释'.split(' '),
  ru: 'что кто как где когда почему зачем какой какая какое какие ли это есть'.split(' '),
};

export const QUESTION_SETS: Record<string, ReadonlySet<string>> = Object.fromEntries(
  Object.entries(QUESTION_WORDS).map(([lang, words]) => [lang, new Set(words)]),
);
