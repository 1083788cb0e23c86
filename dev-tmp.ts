import { startFakeLlm, longAnswer } from './e2e/fake-llm';
const llm = await startFakeLlm({ tokensPerSecond: Number(process.env.TPS ?? 40), answer: longAnswer(6) });
console.log(llm.baseUrl);
await new Promise(() => {});
