-- 杨小通's knowledge base, one row per published version; terminals get the newest (JSON of KnowledgeBundle).
CREATE TABLE knowledge_bundles (
    version BIGINT PRIMARY KEY,
    body TEXT NOT NULL,
    published_ms BIGINT NOT NULL
);
