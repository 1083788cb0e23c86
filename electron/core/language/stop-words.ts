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
