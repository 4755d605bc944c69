/** The part of libmime (mailparser's and imapflow's MIME header library, v5) that raw-mime uses; the package ships no types. */
declare module 'libmime' {
  const libmime: {
    parseHeaderValue(value: string): { value: string; params: Record<string, string> };
  };
  export default libmime;
}
