import type { Command } from 'commander';
import { ApiError, WechatApi } from '../channels/wechat-mp/api.ts';
import { menuBody } from '../channels/wechat-mp/menu.ts';
import { loadConfig } from '../config.ts';
import { BadInput, print } from './common.ts';

/** `gongyou wechat menu`: installs the 公众号's custom menu through the WeChat API. */

export function addWechatCommands(program: Command): void {
  const wechat = program.command('wechat').description('微信公众号');
  wechat
    .command('menu')
    .description('安装公众号的自定义菜单（入会 / 投诉 / 查进度 / 我受伤了 / 问一问；设置了 PUBLIC_URL 时加网页版）')
    .action(async () => {
      const config = loadConfig();
      const mp = config.wechatMp;
      if (!mp?.appId || !mp.secret) {
        throw new BadInput('没有配置公众号：安装菜单需要设置 WECHAT_MP_TOKEN、WECHAT_MP_APPID 和 WECHAT_MP_SECRET（在公众平台“设置与开发 › 基本配置”里查看）。');
      }
      const api = new WechatApi({ root: mp.apiRoot, appId: mp.appId, secret: mp.secret });
      const menu = menuBody(config.publicUrl);
      try {
        await api.createMenu(menu);
      } catch (err) {
        if (err instanceof ApiError) {
          const hint = err.errcode === 40164 ? '（这台服务器的 IP 不在公众平台的“IP 白名单”里）' : err.errcode === 48001 ? '（这个公众号没有自定义菜单接口的权限，未认证的订阅号请在公众平台网页上设置菜单）' : '';
          throw new BadInput(`微信拒绝了菜单：错误码 ${err.errcode}（${err.errmsg}）${hint}。菜单没有改动。`);
        }
        throw new BadInput(`连不上微信接口 ${mp.apiRoot}：${err instanceof Error ? err.message : String(err)}。菜单没有改动。`);
      }
      const names = menu.button.flatMap((b) => (b.sub_button ? [`${b.name}（${b.sub_button.map((s) => s.name).join('、')}）`] : [b.name]));
      print(`已安装公众号菜单：${names.join('、')}。微信客户端里可能要几分钟后才看得到（取消关注再关注可立即看到）。`);
    });
}
