/** The 34 provincial-level divisions, by the short name people use; for places the pilot table does not list. */
export const PROVINCES = [
  '北京', '天津', '上海', '重庆', '河北', '山西', '辽宁', '吉林', '黑龙江', '江苏', '浙江', '安徽', '福建', '江西', '山东', '河南',
  '湖北', '湖南', '广东', '海南', '四川', '贵州', '云南', '陕西', '甘肃', '青海', '台湾', '内蒙古', '广西', '西藏', '宁夏', '新疆',
  '香港', '澳门',
];

/** "陕西省" → "陕西", "新疆维吾尔自治区" → "新疆"; undefined when no province is named. */
export function provinceIn(text: string): string | undefined {
  let best: string | undefined;
  for (const p of PROVINCES) if (text.includes(p) && (!best || p.length > best.length)) best = p;
  return best;
}
