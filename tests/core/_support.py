"""Constants shared by the core tests."""

API_KEY = "sk-core-test-secret-0123456789"
# The streaming example of TokenHub's 文本生成 page (https://cloud.tencent.com/document/product/1823/130079, 示例 2), reused as a plain request.
CHAT = {
    "model": "hunyuan-2.0-instruct-20251111",
    "messages": [
        {"role": "system", "content": "你是一个有帮助的 AI 助手。"},
        {"role": "user", "content": "计算 1+1"},
    ],
}
