#include "apierr.h"

static const struct apierr_info infos[AE__MAX] = {
	[AE_OK] = { 200, "ok", "成功" },
	[AE_BAD_JSON] = { 400, "bad_json",
	    "请求体不是合法的 JSON 对象" },
	[AE_BAD_TYPE] = { 400, "bad_type", "字段类型错误" },
	[AE_BAD_ID] = { 400, "bad_id",
	    "ID 格式无效(只允许 1-64 个字母、数字、_ 或 -)" },
	[AE_BAD_TOKEN] = { 400, "bad_token",
	    "令牌格式无效(customer 应为 key.expiry.signature,code 应为 "
	    "wx.login 所得)" },
	[AE_BAD_TICKET] = { 400, "bad_ticket",
	    "凭证无效或已过期,请重新进入客服" },
	[AE_BAD_UTF8] = { 400, "bad_utf8", "请求含有无效的 UTF-8 编码" },
	[AE_BAD_FORM] = { 400, "bad_form", "表单编码无效" },
	[AE_MISSING] = { 400, "missing_field", "缺少必填字段" },
	[AE_DUPLICATE] = { 400, "duplicate_field", "字段重复出现" },
	[AE_BAD_LENGTH] = { 400, "bad_length", "Content-Length 无效" },
	[AE_SHORT_BODY] = { 400, "short_body",
	    "请求体比 Content-Length 声明的短" },
	[AE_BAD_CALLBACK] = { 400, "bad_callback",
	    "回调消息格式无效或无法解密" },
	[AE_BAD_SIGNATURE] = { 403, "bad_signature",
	    "回调签名无效或时间戳过期" },
	[AE_NOT_FOUND] = { 404, "not_found", "接口不存在" },
	[AE_UNKNOWN_ENTRY] = { 404, "unknown_entry", "客服ID无效" },
	[AE_NO_WEB_TARGET] = { 404, "no_web_target",
	    "该入口没有可跳转的网页地址" },
	[AE_METHOD] = { 405, "method_not_allowed", "不支持该请求方法" },
	[AE_LENGTH_REQUIRED] = { 411, "length_required",
	    "请求缺少 Content-Length" },
	[AE_TOO_LARGE] = { 413, "body_too_large", "请求体过大" },
	[AE_MEDIA_TYPE] = { 415, "unsupported_media_type",
	    "只接受 application/json 或 "
	    "application/x-www-form-urlencoded (UTF-8)" },
	[AE_INTERNAL] = { 500, "internal", "服务器内部错误" },
	[AE_UNAVAILABLE] = { 503, "unavailable",
	    "服务暂时不可用,请稍后再试" },
	[AE_INVALID] = { 400, "invalid", "输入有误,请检查标出的字段" },
	[AE_UNAUTHORIZED] = { 401, "unauthorized", "请先登录" },
	[AE_LOGIN_FAILED] = { 401, "login_failed", "用户名或密码错误" },
	[AE_THROTTLED] = { 429, "throttled",
	    "登录失败次数过多,请稍后再试" },
	[AE_FORBIDDEN_ROLE] = { 403, "forbidden", "只读账号不能修改配置" },
	[AE_CSRF] = { 403, "csrf", "缺少或无效的 CSRF 令牌,请刷新页面" },
	[AE_BAD_ORIGIN] = { 403, "bad_origin", "请求来源不被允许" },
	[AE_NO_OBJECT] = { 404, "no_such_object", "对象不存在" },
	[AE_CONFLICT] = { 409, "conflict",
	    "数据已被他人修改,请刷新后再改" },
	[AE_IN_USE] = { 409, "in_use", "仍在使用中,不能删除" },
	[AE_BAD_ENCODING] = { 400, "bad_encoding",
	    "文件编码无法识别,请在 Excel 中另存为"
	    "“CSV UTF-8(逗号分隔)”后再导入" },
	[AE_CSV_MEDIA_TYPE] = { 415, "unsupported_media_type",
	    "只接受 text/csv(UTF-8 或 GBK 编码)" },
	[AE_IMPORT_DEADLOCK] = { 409, "conflict",
	    "另一个导入正在修改同样的记录,请稍后重新导入(本次什么都没有写入)" },
	[AE_LOCKED] = { 409, "conflict",
	    "另一项操作(如导入)正在修改同样的记录,请稍后再试(这次什么都没有写入)" },
	[AE_JSON_TYPE] = { 415, "unsupported_media_type",
	    "只接受 application/json (UTF-8)" },
	[AE_ADMIN_ONLY] = { 403, "admin_only", "只有管理员可以管理操作员" },
	[AE_SELF] = { 409, "self",
	    "不能停用自己,也不能取消自己的管理员角色" },
	[AE_LAST_ADMIN] = { 409, "last_admin",
	    "这是最后一个启用的管理员,不能停用或改为只读" },
	[AE_WXACODE_FAILED] = { 502, "wxacode_failed",
	    "微信未能生成小程序码,请按提示处理后再试" },
	[AE_MINIPROGRAM_UNSET] = { 503, "miniprogram_not_configured",
	    "未配置小程序,无法生成小程序码:请在 admin.conf 的 [miniprogram] "
	    "设置 app_id 和 app_secret(或 app_secret_file);开发环境可在 "
	    "make run 前设置环境变量 KFROUTE_MINIPROGRAM_APP_ID 和 "
	    "KFROUTE_MINIPROGRAM_APP_SECRET" },
};

const struct apierr_info *
apierr_info(enum apierr e)
{
	if ((unsigned)e >= AE__MAX)
		e = AE_INTERNAL;
	return &infos[e];
}
