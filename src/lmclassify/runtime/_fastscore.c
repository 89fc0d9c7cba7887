/* lmclassify._fastscore: n-gram extraction, vocabulary lookup, TF-IDF and linear scoring in C.
 *
 * It computes exactly what lmclassify.runtime's pure-Python path computes (and what scikit-learn's
 * TfidfVectorizer + FeatureUnion + linear heads compute), for lower-cased text:
 *
 *   word blocks     tokens are maximal runs of word characters (Py_UNICODE_ISALNUM or '_', as \w in Python's
 *                   re module) at least `min_token` long, i.e. the pattern (?u)\b\w\w+\b (min_token 2) or
 *                   (?u)\b\w+\b (min_token 1); n-grams are tokens joined by one space;
 *   char_wb blocks  words are separated by whitespace (Py_UNICODE_ISSPACE, as str.split()); each word is padded
 *                   with a space on both sides and cut into character n-grams; a padded word no longer than the
 *                   largest n counts once, whole.
 *
 * Text is lower-cased with str.lower() (ASCII text is lower-cased inline, which is the same thing). Terms are
 * kept as UCS-4 code points in one pool per block and found through an open-addressing hash table; several terms
 * may share a column. Counts are log-scaled (sublinear tf) when asked, multiplied by idf, L2-normalised within
 * their block when asked and multiplied by the block weight; each head's scores go through a temperature-scaled
 * softmax.
 *
 * Batch scoring (Scorer.score_into) releases the GIL while it works, so several threads can score at once.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define KIND_WORD 0
#define KIND_CHAR_WB 1
#define HASH_INIT 0xcbf29ce484222325ULL
#define HASH_PRIME 0x100000001b3ULL
#define MAX_NGRAM 64

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(address) __builtin_prefetch(address)
#else
#define PREFETCH(address) ((void)0)
#endif

#if defined(_MSC_VER)
#define RESTRICT __restrict
#else
#define RESTRICT restrict
#endif

/* ------------------------------------------------------------------------------------------- characters */
static unsigned char ascii_word[128];

static inline int is_word(Py_UCS4 c) {
    if (c < 128) return ascii_word[c];
    return Py_UNICODE_ISALNUM(c);
}

static inline int is_space(Py_UCS4 c) { return Py_UNICODE_ISSPACE(c); }

/* One-byte text prepared through a table: whitespace becomes ' ' and, for ASCII text, A-Z become a-z. */
static Py_UCS4 latin1_spaced[256], ascii_lowered_spaced[256];

static inline uint64_t hash_step(uint64_t h, Py_UCS4 c) { return (h ^ (uint64_t)c) * HASH_PRIME; }

/* The key of a term or gram. A string of at most 8 ASCII code points is its own key (7 bits a code point, the
 * length in bits 56-59), so finding it needs no comparison with the stored term; any other string's key is a
 * 64-bit hash with bit 63 set, and a match is confirmed against the stored term. Keys are built one code point
 * at a time, so each gram extends the one before it. */
#define HASHED_KEY (1ULL << 63)

typedef struct {
    uint64_t exact, hash;
    Py_ssize_t n;
    int is_exact;
} KeyState;

static inline void key_start(KeyState *k) {
    k->exact = 0;
    k->hash = HASH_INIT;
    k->n = 0;
    k->is_exact = 1;
}

static inline void key_add(KeyState *k, Py_UCS4 c) {
    if (k->is_exact) {
        if (c < 128 && k->n < 8)
            k->exact |= (uint64_t)c << (7 * k->n);
        else
            k->is_exact = 0;
    }
    k->hash = hash_step(k->hash, c);
    k->n++;
}

/* The same key for a contiguous gram starting at `gram`, hashing only once the gram stops being short ASCII
 * (char n-grams of ASCII text never need a hash). */
static inline void key_add_contiguous(KeyState *k, const Py_UCS4 *gram, Py_UCS4 c) {
    if (k->is_exact) {
        if (c < 128 && k->n < 8) {
            k->exact |= (uint64_t)c << (7 * k->n);
            k->n++;
            return;
        }
        k->is_exact = 0;
        k->hash = HASH_INIT;
        for (Py_ssize_t i = 0; i < k->n; i++) k->hash = hash_step(k->hash, gram[i]);
    }
    k->hash = hash_step(k->hash, c);
    k->n++;
}

static inline uint64_t key_of(const KeyState *k) {
    return k->is_exact ? (k->exact | ((uint64_t)k->n << 56)) : (k->hash | HASHED_KEY);
}

static inline size_t slot_of(uint64_t h, size_t mask) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return (size_t)h & mask;
}

/* Strings made by the legacy (pre-3.12) C API need readying before their data can be read. */
static inline int ready(PyObject *text) {
#if PY_VERSION_HEX < 0x030C0000
    return PyUnicode_READY(text);
#else
    (void)text;
    return 0;
#endif
}

/* ------------------------------------------------------------------------------------------- a block */
/* One slot of a block's hash table. The term itself sits in the block's pool at `start`, followed by '\n' (no
 * term or n-gram contains a line break: whitespace inside text becomes ' ' before n-grams are cut), so a term
 * matches a gram of n code points when the keys agree and, for a hashed key, the n code points agree and
 * pool[start + n] == '\n'. */
typedef struct {
    uint64_t key;
    uint32_t start;  /* in the pool; 0 marks an empty slot (the pool starts with a '\n' that no term uses) */
    int32_t column;  /* global feature column */
} Slot;

typedef struct {
    int kind;
    int sublinear;
    int normalised;
    double weight;
    Py_ssize_t min_n, max_n, min_token;
    Py_ssize_t offset, n_columns;
    Py_UCS4 *pool; /* '\n' + the terms, each followed by '\n' */
    Slot *slots;
    size_t mask;
} Block;

static void block_free(Block *block) {
    PyMem_Free(block->pool);
    PyMem_Free(block->slots);
    block->pool = NULL;
    block->slots = NULL;
}

/* A contiguous gram of n <= MAX_NGRAM code points whose key is `key` and home slot `i` (the pool's padding keeps
 * the comparison inside it). */
static inline Py_ssize_t lookup_contiguous(const Block *block, uint64_t key, size_t i, const Py_UCS4 *gram,
                                           Py_ssize_t n) {
    for (;;) {
        const Slot *slot = &block->slots[i];
        if (slot->start == 0) return -1;
        if (slot->key == key) {
            if (!(key & HASHED_KEY)) return slot->column;
            const Py_UCS4 *term = block->pool + slot->start;
            Py_ssize_t k = 0;
            while (k < n && term[k] == gram[k]) k++; /* grams are short: a loop beats a call to memcmp */
            if (k == n && term[n] == '\n') return slot->column;
        }
        i = (i + 1) & block->mask;
    }
}

/* Whether a pool term equals tokens first..first+n-1 of the text joined by single spaces. */
static inline int same_word_gram(const Py_UCS4 *term, const Py_UCS4 *text, const Py_ssize_t *starts,
                                 const Py_ssize_t *lengths, Py_ssize_t first, Py_ssize_t n) {
    Py_ssize_t position = 0;
    for (Py_ssize_t t = first; t < first + n; t++) {
        if (t > first) {
            if (term[position] != ' ') return 0;
            position++;
        }
        for (Py_ssize_t k = 0; k < lengths[t]; k++) /* stops at the term's '\n' if the term is shorter */
            if (term[position + k] != text[starts[t] + k]) return 0;
        position += lengths[t];
    }
    return term[position] == '\n';
}

static inline Py_ssize_t lookup_word_gram(const Block *block, uint64_t key, size_t i, const Py_UCS4 *text,
                                          const Py_ssize_t *starts, const Py_ssize_t *lengths, Py_ssize_t first,
                                          Py_ssize_t n) {
    for (;;) {
        const Slot *slot = &block->slots[i];
        if (slot->start == 0) return -1;
        if (slot->key == key &&
            (!(key & HASHED_KEY) || same_word_gram(block->pool + slot->start, text, starts, lengths, first, n)))
            return slot->column;
        i = (i + 1) & block->mask;
    }
}

static int same_term(const Py_UCS4 *a, const Py_UCS4 *b) {
    while (*a == *b && *a != '\n') {
        a++;
        b++;
    }
    return *a == '\n' && *b == '\n';
}

/* Fill a block's table from its terms: one str, terms separated by '\n', and one local column per term.
 * A term that appears twice keeps its last column, as a Python dict would. */
static int block_load(Block *block, PyObject *terms, const int64_t *columns, Py_ssize_t n_columns_given) {
    if (ready(terms) < 0) return -1;
    Py_ssize_t length = PyUnicode_GET_LENGTH(terms);
    if (length > (Py_ssize_t)(UINT32_MAX - 2)) {
        PyErr_SetString(PyExc_ValueError, "a block's terms are too long");
        return -1;
    }
    int kind = PyUnicode_KIND(terms);
    const void *data = PyUnicode_DATA(terms);
    Py_ssize_t n_terms = 1;
    for (Py_ssize_t i = 0; i < length; i++)
        if (PyUnicode_READ(kind, data, i) == '\n') n_terms++;
    if (n_terms != n_columns_given) {
        PyErr_Format(PyExc_ValueError, "a block has %zd terms but %zd columns", n_terms, n_columns_given);
        return -1;
    }
    size_t n_slots = 16;
    while (n_slots < (size_t)n_terms * 2) n_slots <<= 1; /* load factor at most 1/2 */
    block->pool = PyMem_Malloc((size_t)(length + 2 + MAX_NGRAM) * sizeof(Py_UCS4));
    block->slots = PyMem_Calloc(n_slots, sizeof(Slot));
    if (!block->pool || !block->slots) {
        PyErr_NoMemory();
        return -1;
    }
    block->mask = n_slots - 1;
    block->pool[0] = '\n';
    if (length > 0 && !PyUnicode_AsUCS4(terms, block->pool + 1, length, 0)) return -1;
    for (Py_ssize_t i = length + 1; i < length + 2 + MAX_NGRAM; i++) /* a gram read past the last term stops here */
        block->pool[i] = '\n';
    Py_ssize_t start = 1, term = 0;
    for (Py_ssize_t i = 1; i <= length + 1; i++) {
        if (block->pool[i] != '\n') continue;
        int64_t column = columns[term];
        if (column < 0 || column >= block->n_columns) {
            PyErr_Format(PyExc_ValueError, "term %zd maps to column %lld, outside 0..%zd", term, (long long)column,
                         block->n_columns - 1);
            return -1;
        }
        KeyState state;
        key_start(&state);
        for (Py_ssize_t k = start; k < i; k++) key_add(&state, block->pool[k]);
        uint64_t key = key_of(&state);
        size_t index = slot_of(key, block->mask);
        for (;;) {
            Slot *slot = &block->slots[index];
            if (slot->start == 0) {
                slot->key = key;
                slot->start = (uint32_t)start;
                slot->column = (int32_t)(block->offset + column);
                break;
            }
            if (slot->key == key && same_term(block->pool + slot->start, block->pool + start)) {
                slot->column = (int32_t)(block->offset + column);
                break;
            }
            index = (index + 1) & block->mask;
        }
        start = i + 1;
        term++;
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------- scratch space */
typedef struct {
    Py_UCS4 *text; /* ' ' + lower-cased text with every whitespace character made ' ' + ' ' */
    Py_ssize_t text_capacity;
    Py_ssize_t *token_starts, *token_lengths;
    Py_ssize_t token_capacity;
    int64_t *counts; /* per feature; all zero between texts */
    Py_ssize_t *touched;
    double *values;
    Py_ssize_t n_touched;
    double *block_sums;
    double *scores;
    const double *rows; /* the scorer's feature rows */
    Py_ssize_t stride;
    Py_ssize_t n_outputs;
    /* Word cache: the char_wb columns a short word hits depend on the word alone, and common words come back
     * in text after text, so the columns found for a word are kept and replayed when it comes back. */
    uint32_t *cache_slots; /* entry index + 1; 0 = empty. NULL when the cache could not be allocated */
    struct CachedWord *cache_entries;
    Py_ssize_t n_cached;
    Py_UCS4 *cache_words; /* WORD_CACHE_LONGEST code points an entry */
    int32_t *cache_hits;
    Py_ssize_t n_cache_hits, cache_hits_capacity;
} Scratch;

#define WORD_CACHE_SLOTS 32768 /* a power of two */
#define WORD_CACHE_ENTRIES 16384
#define WORD_CACHE_LONGEST 16 /* longest padded word cached */
#define WORD_CACHE_HITS (1 << 20) /* most columns kept over all entries */
#define SCRATCH_POOL 64 /* most scratch areas a Scorer keeps for reuse (one per thread scoring at once) */

typedef struct CachedWord {
    uint64_t hash;
    Py_ssize_t block, length, first_hit, n_hits;
} CachedWord;

static void scratch_free(Scratch *w) {
    if (!w) return;
    free(w->text);
    free(w->token_starts);
    free(w->token_lengths);
    free(w->counts);
    free(w->touched);
    free(w->values);
    free(w->block_sums);
    free(w->scores);
    free(w->cache_slots);
    free(w->cache_entries);
    free(w->cache_words);
    free(w->cache_hits);
    free(w);
}

/* Plain malloc: scratch space is allocated and used without the GIL. */
static Scratch *scratch_new(Py_ssize_t n_features, Py_ssize_t n_blocks, Py_ssize_t n_outputs) {
    Scratch *w = calloc(1, sizeof(Scratch));
    if (!w) return NULL;
    w->counts = calloc((size_t)n_features + 1, sizeof(int64_t));
    w->touched = malloc(((size_t)n_features + 1) * sizeof(Py_ssize_t));
    w->values = malloc(((size_t)n_features + 1) * sizeof(double));
    w->block_sums = malloc(((size_t)n_blocks + 1) * sizeof(double));
    w->scores = malloc(((size_t)n_outputs + 1) * sizeof(double));
    if (!w->counts || !w->touched || !w->values || !w->block_sums || !w->scores) {
        scratch_free(w);
        return NULL;
    }
    w->cache_slots = calloc(WORD_CACHE_SLOTS, sizeof(uint32_t));
    w->cache_entries = malloc(WORD_CACHE_ENTRIES * sizeof(CachedWord));
    w->cache_words = malloc((size_t)WORD_CACHE_ENTRIES * WORD_CACHE_LONGEST * sizeof(Py_UCS4));
    if (!w->cache_slots || !w->cache_entries || !w->cache_words) { /* the cache is optional */
        free(w->cache_slots);
        free(w->cache_entries);
        free(w->cache_words);
        w->cache_slots = NULL;
        w->cache_entries = NULL;
        w->cache_words = NULL;
    }
    return w;
}

static int ensure_text(Scratch *w, Py_ssize_t length) {
    if (length > PY_SSIZE_T_MAX / (Py_ssize_t)sizeof(Py_UCS4) - 2) return -1;
    if (w->text_capacity >= length + 2) return 0;
    Py_ssize_t capacity = length + 2 > 256 ? length + 2 : 256;
    Py_UCS4 *text = realloc(w->text, (size_t)capacity * sizeof(Py_UCS4));
    if (!text) return -1;
    w->text = text;
    w->text_capacity = capacity;
    return 0;
}

static int ensure_tokens(Scratch *w, Py_ssize_t count) {
    if (w->token_capacity >= count) return 0;
    Py_ssize_t capacity = count > 64 ? count : 64;
    if (capacity > PY_SSIZE_T_MAX / (Py_ssize_t)sizeof(Py_ssize_t)) return -1;
    Py_ssize_t *starts = realloc(w->token_starts, (size_t)capacity * sizeof(Py_ssize_t));
    if (!starts) return -1;
    w->token_starts = starts;
    Py_ssize_t *lengths = realloc(w->token_lengths, (size_t)capacity * sizeof(Py_ssize_t));
    if (!lengths) return -1;
    w->token_lengths = lengths;
    w->token_capacity = capacity;
    return 0;
}

/* Count one occurrence of a feature. The first time a text touches it, its row (weights and idf) is fetched into
 * the cache ahead of the scoring loop, which would otherwise wait on memory for every feature. */
static inline void count_column(Scratch *w, Py_ssize_t column) {
    if (w->counts[column]++ == 0) {
        w->touched[w->n_touched++] = column;
        const double *row = w->rows + column * w->stride;
        for (Py_ssize_t k = 0; k < w->stride; k += 8) PREFETCH(row + k);
    }
}

/* ------------------------------------------------------------------------------------------- the scorer */
typedef struct {
    PyObject_HEAD
    Block *blocks;
    Py_ssize_t n_blocks;
    Py_ssize_t n_features;
    Py_ssize_t n_outputs;
    unsigned char *block_of; /* feature -> block */
    /* One row a feature: its weight for each output, then its idf, padded to whole 64-byte cache lines, so that
     * everything scoring needs about a feature arrives with one or two cache lines. */
    void *rows_memory;
    double *rows;
    Py_ssize_t stride;
    Py_buffer intercepts;
    int have_intercepts;
    Py_ssize_t n_heads;
    Py_ssize_t *head_start, *head_stop;
    double *head_temperature;
    Scratch *shared; /* used only while the GIL is held */
    /* Scratch areas of finished batch calls, kept for the next ones (taken and given back under pool_lock, which
     * needs no GIL), so that no call allocates and clears megabytes of scratch and the word caches stay warm. */
    Scratch *pool[SCRATCH_POOL];
    Py_ssize_t n_pooled;
    PyThread_type_lock pool_lock;
    /* What classify() and classify_each() build (set by set_predictions; NULL until then). */
    PyObject *prediction_type, *labels, *function_heads, *text_type_error, *empty_text_error, *no_arguments;
    Py_ssize_t *label_columns;
    int ready; /* set once __init__ has succeeded: a Scorer whose __init__ failed refuses to score */
} Scorer;

/* A scratch area for one batch call: one from the pool, or a new one. Needs no GIL. */
static Scratch *scratch_take(Scorer *self) {
    Scratch *w = NULL;
    if (self->pool_lock) {
        PyThread_acquire_lock(self->pool_lock, WAIT_LOCK);
        if (self->n_pooled > 0) w = self->pool[--self->n_pooled];
        PyThread_release_lock(self->pool_lock);
    }
    return w ? w : scratch_new(self->n_features, self->n_blocks, self->n_outputs);
}

/* Give a scratch area back to the pool (or free it when the pool is full). Needs no GIL. */
static void scratch_give_back(Scorer *self, Scratch *w) {
    if (w && self->pool_lock) {
        PyThread_acquire_lock(self->pool_lock, WAIT_LOCK);
        if (self->n_pooled < SCRATCH_POOL) {
            self->pool[self->n_pooled++] = w;
            w = NULL;
        }
        PyThread_release_lock(self->pool_lock);
    }
    scratch_free(w);
}

static int check_ready(const Scorer *self) {
    if (self->ready) return 0;
    PyErr_SetString(PyExc_RuntimeError, "this Scorer was not initialised successfully and cannot score");
    return -1;
}

/* Grams waiting to be looked up: their slots are prefetched when they are queued, so that the lookups of many
 * grams wait on memory at the same time rather than one after the other. */
#define QUEUE_LENGTH 32

typedef struct {
    uint64_t key;
    size_t slot;
    const Py_UCS4 *gram;
    Py_ssize_t n;
    Py_ssize_t column;
} Queued;

typedef struct {
    Queued grams[QUEUE_LENGTH];
    int count;
    int record; /* append the columns found to the word cache's hits */
    int overflowed; /* the hits did not fit: the word is not cached */
} Queue;

typedef struct {
    uint64_t key;
    size_t slot;
    Py_ssize_t first, n; /* tokens first..first+n-1 */
} WordQueued;

/* Word n-grams are mostly longer than 8 code points, so a match must be confirmed against the stored term: first
 * find each gram's candidate slot (already prefetched) and prefetch its term, then confirm and count. */
static inline void word_queue_flush(const Block *block, Scratch *w, WordQueued *queue, int count) {
    for (int q = 0; q < count; q++) {
        size_t i = queue[q].slot;
        for (;;) {
            const Slot *slot = &block->slots[i];
            if (slot->start == 0 || slot->key == queue[q].key) break;
            i = (i + 1) & block->mask;
        }
        queue[q].slot = i;
        if (block->slots[i].start != 0 && (queue[q].key & HASHED_KEY)) PREFETCH(block->pool + block->slots[i].start);
    }
    for (int q = 0; q < count; q++) {
        const Slot *slot = &block->slots[queue[q].slot];
        if (slot->start == 0) continue;
        Py_ssize_t column = lookup_word_gram(block, queue[q].key, queue[q].slot, w->text, w->token_starts,
                                             w->token_lengths, queue[q].first, queue[q].n);
        if (column >= 0) count_column(w, column);
    }
}

/* Count the n-grams of one word block in the prepared text w->text[1..length]. */
static int word_block_counts(const Block *block, Scratch *w, Py_ssize_t length) {
    const Py_UCS4 *text = w->text;
    Py_ssize_t n_tokens = 0;
    Py_ssize_t i = 1, end = length + 1;
    while (i < end) {
        if (!is_word(text[i])) {
            i++;
            continue;
        }
        Py_ssize_t start = i;
        while (i < end && is_word(text[i])) i++;
        if (i - start < block->min_token) continue;
        if (n_tokens >= w->token_capacity && ensure_tokens(w, n_tokens * 2 + 64) < 0) return -1;
        w->token_starts[n_tokens] = start;
        w->token_lengths[n_tokens] = i - start;
        n_tokens++;
    }
    const Py_ssize_t *starts = w->token_starts, *lengths = w->token_lengths;
    WordQueued queue[QUEUE_LENGTH];
    int queued = 0;
    for (Py_ssize_t first = 0; first < n_tokens; first++) {
        KeyState state;
        key_start(&state);
        for (Py_ssize_t n = 1; n <= block->max_n && first + n <= n_tokens; n++) {
            Py_ssize_t t = first + n - 1;
            if (n > 1) key_add(&state, ' ');
            const Py_UCS4 *token = text + starts[t];
            for (Py_ssize_t k = 0; k < lengths[t]; k++) key_add(&state, token[k]);
            if (n < block->min_n) continue;
            if (queued == QUEUE_LENGTH) {
                word_queue_flush(block, w, queue, queued);
                queued = 0;
            }
            WordQueued *gram = &queue[queued++];
            gram->key = key_of(&state);
            gram->slot = slot_of(gram->key, block->mask);
            gram->first = first;
            gram->n = n;
            PREFETCH(&block->slots[gram->slot]);
        }
    }
    word_queue_flush(block, w, queue, queued);
    return 0;
}

/* Look the queued grams up (their slots were prefetched), prefetch the counts they will raise, then count. */
static int record_hit(Scratch *w, Py_ssize_t column) {
    if (w->n_cache_hits == w->cache_hits_capacity) {
        if (w->cache_hits_capacity >= WORD_CACHE_HITS) return -1;
        Py_ssize_t capacity = w->cache_hits_capacity ? w->cache_hits_capacity * 2 : 4096;
        int32_t *hits = realloc(w->cache_hits, (size_t)capacity * sizeof(int32_t));
        if (!hits) return -1;
        w->cache_hits = hits;
        w->cache_hits_capacity = capacity;
    }
    w->cache_hits[w->n_cache_hits++] = (int32_t)column;
    return 0;
}

static inline void queue_flush(const Block *block, Scratch *w, Queue *queue) {
    for (int q = 0; q < queue->count; q++) {
        Queued *gram = &queue->grams[q];
        gram->column = lookup_contiguous(block, gram->key, gram->slot, gram->gram, gram->n);
        if (gram->column >= 0) PREFETCH(&w->counts[gram->column]);
    }
    for (int q = 0; q < queue->count; q++) {
        Py_ssize_t column = queue->grams[q].column;
        if (column < 0) continue;
        count_column(w, column);
        if (queue->record && !queue->overflowed && record_hit(w, column) < 0) queue->overflowed = 1;
    }
    queue->count = 0;
}

static inline void queue_push(const Block *block, Scratch *w, Queue *queue, uint64_t key, const Py_UCS4 *gram,
                              Py_ssize_t n) {
    if (queue->count == QUEUE_LENGTH) queue_flush(block, w, queue);
    Queued *slot = &queue->grams[queue->count++];
    slot->key = key;
    slot->slot = slot_of(key, block->mask);
    slot->gram = gram;
    slot->n = n;
    PREFETCH(&block->slots[slot->slot]);
}

/* The word cache entry of a padded word of a block, or NULL. */
static inline const CachedWord *cached_word(const Scratch *w, Py_ssize_t block_index, uint64_t hash,
                                            const Py_UCS4 *padded, Py_ssize_t length, size_t *slot) {
    size_t i = (size_t)((hash * 0x9E3779B97F4A7C15ULL) >> 32) & (WORD_CACHE_SLOTS - 1);
    for (;;) {
        uint32_t e = w->cache_slots[i];
        if (e == 0) break;
        const CachedWord *entry = &w->cache_entries[e - 1];
        if (entry->hash == hash && entry->block == block_index && entry->length == length) {
            const Py_UCS4 *word = w->cache_words + (size_t)(e - 1) * WORD_CACHE_LONGEST;
            Py_ssize_t k = 0;
            while (k < length && word[k] == padded[k]) k++; /* short: a loop beats a call to memcmp */
            if (k == length) return entry;
        }
        i = (i + 1) & (WORD_CACHE_SLOTS - 1);
    }
    *slot = i;
    return NULL;
}

/* Count the n-grams of one char_wb block in the prepared text. Columns are counted in the same order whether a
 * word comes from the cache or not (the queue is flushed first), so the sums, and so the probabilities, do not
 * depend on what the cache holds. */
static void char_wb_block_counts(const Block *block, Py_ssize_t block_index, Scratch *w, Py_ssize_t length) {
    const Py_UCS4 *text = w->text;
    const Py_ssize_t min_n = block->min_n, max_n = block->max_n;
    Queue queue;
    queue.count = 0;
    queue.record = 0;
    queue.overflowed = 0;
    Py_ssize_t i = 1, end = length + 1;
    while (i < end) {
        if (text[i] == ' ') {
            i++;
            continue;
        }
        Py_ssize_t start = i;
        while (i < end && text[i] != ' ') i++;
        const Py_UCS4 *padded = text + start - 1; /* the spaces around every word are already there */
        Py_ssize_t padded_length = i - start + 2;
        uint64_t word_hash = 0;
        size_t free_slot = 0;
        if (w->cache_slots && padded_length <= WORD_CACHE_LONGEST) {
            word_hash = HASH_INIT;
            for (Py_ssize_t k = 0; k < padded_length; k++) word_hash = hash_step(word_hash, padded[k]);
            const CachedWord *entry = cached_word(w, block_index, word_hash, padded, padded_length, &free_slot);
            queue_flush(block, w, &queue);
            if (entry) {
                for (Py_ssize_t h = 0; h < entry->n_hits; h++) count_column(w, w->cache_hits[entry->first_hit + h]);
                continue;
            }
            queue.record = w->n_cached < WORD_CACHE_ENTRIES;
            queue.overflowed = 0;
        }
        Py_ssize_t first_hit = w->n_cache_hits;
        KeyState state;
        if (max_n >= padded_length) { /* a short word counts once, whole */
            key_start(&state);
            for (Py_ssize_t k = 0; k < padded_length; k++) key_add_contiguous(&state, padded, padded[k]);
            queue_push(block, w, &queue, key_of(&state), padded, padded_length);
        }
        Py_ssize_t longest = max_n < padded_length - 1 ? max_n : padded_length - 1;
        for (Py_ssize_t s = 0; longest >= min_n && s + min_n <= padded_length; s++) {
            key_start(&state);
            Py_ssize_t top = longest < padded_length - s ? longest : padded_length - s;
            for (Py_ssize_t n = 1; n <= top; n++) {
                key_add_contiguous(&state, padded + s, padded[s + n - 1]);
                if (n >= min_n) queue_push(block, w, &queue, key_of(&state), padded + s, n);
            }
        }
        if (queue.record) {
            queue_flush(block, w, &queue);
            queue.record = 0;
            if (queue.overflowed) {
                w->n_cache_hits = first_hit;
                continue;
            }
            CachedWord *entry = &w->cache_entries[w->n_cached];
            entry->hash = word_hash;
            entry->block = block_index;
            entry->length = padded_length;
            entry->first_hit = first_hit;
            entry->n_hits = w->n_cache_hits - first_hit;
            memcpy(w->cache_words + w->n_cached * WORD_CACHE_LONGEST, padded, (size_t)padded_length * sizeof(Py_UCS4));
            w->cache_slots[free_slot] = (uint32_t)(++w->n_cached);
        }
    }
    queue_flush(block, w, &queue);
}

/* Score one text (kind/data/length of a str; `lower_ascii` lower-cases A-Z on the way) into `out`, which gets
 * every head's probabilities. Needs no GIL. Returns -1 when memory runs out. */
static int score_text(const Scorer *self, Scratch *w, int kind, const void *data, Py_ssize_t length, int lower_ascii,
                      double *out) {
    if (ensure_text(w, length) < 0) return -1;
    Py_UCS4 *text = w->text;
    text[0] = ' ';
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *bytes = data;
        const Py_UCS4 *table = lower_ascii ? ascii_lowered_spaced : latin1_spaced;
        for (Py_ssize_t i = 0; i < length; i++) text[i + 1] = table[bytes[i]];
    } else {
        for (Py_ssize_t i = 0; i < length; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            text[i + 1] = is_space(c) ? ' ' : c;
        }
    }
    text[length + 1] = ' ';
    w->n_touched = 0;
    w->rows = self->rows;
    w->stride = self->stride;
    w->n_outputs = self->n_outputs;
    int failed = 0;
    for (Py_ssize_t b = 0; b < self->n_blocks; b++) {
        const Block *block = &self->blocks[b];
        if (block->kind == KIND_WORD) {
            if (word_block_counts(block, w, length) < 0) {
                failed = 1;
                break;
            }
        } else {
            char_wb_block_counts(block, b, w, length);
        }
    }
    const double *rows = self->rows, *intercepts = self->intercepts.buf;
    const Py_ssize_t n_outputs = self->n_outputs, stride = self->stride;
    for (Py_ssize_t b = 0; b < self->n_blocks; b++) w->block_sums[b] = 0.0;
    for (Py_ssize_t t = 0; t < w->n_touched; t++) {
        Py_ssize_t column = w->touched[t];
        const Block *block = &self->blocks[self->block_of[column]];
        double value = (double)w->counts[column];
        w->counts[column] = 0;
        if (block->sublinear) value = value == 1.0 ? 1.0 : log(value) + 1.0; /* log(1) + 1 is exactly 1 */
        value *= rows[column * stride + n_outputs]; /* idf */
        w->values[t] = value;
        w->block_sums[self->block_of[column]] += value * value;
    }
    if (failed) return -1;
    for (Py_ssize_t b = 0; b < self->n_blocks; b++) w->block_sums[b] = sqrt(w->block_sums[b]);
    double *RESTRICT scores = w->scores;
    for (Py_ssize_t k = 0; k < n_outputs; k++) scores[k] = 0.0;
    for (Py_ssize_t t = 0; t < w->n_touched; t++) {
        Py_ssize_t column = w->touched[t];
        unsigned char b = self->block_of[column];
        const Block *block = &self->blocks[b];
        double value = w->values[t];
        if (block->normalised) value /= w->block_sums[b];
        value *= block->weight;
        const double *RESTRICT row = rows + column * stride;
        for (Py_ssize_t k = 0; k < n_outputs; k++) scores[k] += value * row[k];
    }
    for (Py_ssize_t k = 0; k < n_outputs; k++) scores[k] += intercepts[k];
    for (Py_ssize_t h = 0; h < self->n_heads; h++) {
        Py_ssize_t start = self->head_start[h], stop = self->head_stop[h];
        double temperature = self->head_temperature[h], largest = -INFINITY, total = 0.0;
        for (Py_ssize_t k = start; k < stop; k++) {
            out[k] = scores[k] / temperature;
            if (out[k] > largest) largest = out[k];
        }
        for (Py_ssize_t k = start; k < stop; k++) {
            out[k] = exp(out[k] - largest);
            total += out[k];
        }
        for (Py_ssize_t k = start; k < stop; k++) out[k] /= total;
    }
    return 0;
}

/* The text to score and how: a new reference to `text` itself (exact ASCII str, lower-cased inline) or to
 * text.lower(). Returns NULL with an exception set when `text` is not a str. */
static PyObject *prepared_text(PyObject *text, Py_ssize_t position, int *lower_ascii) {
    if (!PyUnicode_Check(text)) {
        if (position >= 0)
            PyErr_Format(PyExc_TypeError, "item %zd: expected a str to classify, got %.200s", position,
                         Py_TYPE(text)->tp_name);
        else
            PyErr_Format(PyExc_TypeError, "expected a str to classify, got %.200s", Py_TYPE(text)->tp_name);
        return NULL;
    }
    if (ready(text) < 0) return NULL;
    if (PyUnicode_CheckExact(text) && PyUnicode_IS_ASCII(text)) {
        *lower_ascii = 1;
        Py_INCREF(text);
        return text;
    }
    *lower_ascii = 0;
    PyObject *lowered = PyObject_CallMethod(text, "lower", NULL);
    if (lowered && !PyUnicode_Check(lowered)) {
        PyErr_Format(PyExc_TypeError, "str.lower() returned %.200s, not a str", Py_TYPE(lowered)->tp_name);
        Py_CLEAR(lowered);
    }
    if (lowered && ready(lowered) < 0) Py_CLEAR(lowered);
    return lowered;
}

static int get_double_buffer(PyObject *object, Py_buffer *view, Py_ssize_t items, int writable, const char *what) {
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(object, view, flags) < 0) return -1;
    const char *format = view->format ? view->format : "B";
    if (format[0] == '=' || format[0] == '@') format++;
    if (view->itemsize != 8 || strcmp(format, "d") != 0) {
        PyErr_Format(PyExc_TypeError, "%s must be a C-contiguous float64 buffer", what);
        PyBuffer_Release(view);
        return -1;
    }
    if (items >= 0 && view->len != items * 8) {
        PyErr_Format(PyExc_ValueError, "%s holds %zd values, expected %zd", what, view->len / 8, items);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

static void Scorer_dealloc(Scorer *self) {
    if (self->blocks) {
        for (Py_ssize_t b = 0; b < self->n_blocks; b++) block_free(&self->blocks[b]);
        PyMem_Free(self->blocks);
    }
    PyMem_Free(self->rows_memory);
    if (self->have_intercepts) PyBuffer_Release(&self->intercepts);
    PyMem_Free(self->block_of);
    PyMem_Free(self->head_start);
    PyMem_Free(self->head_stop);
    PyMem_Free(self->head_temperature);
    scratch_free(self->shared);
    for (Py_ssize_t i = 0; i < self->n_pooled; i++) scratch_free(self->pool[i]);
    if (self->pool_lock) PyThread_free_lock(self->pool_lock);
    Py_XDECREF(self->prediction_type);
    Py_XDECREF(self->labels);
    Py_XDECREF(self->function_heads);
    Py_XDECREF(self->text_type_error);
    Py_XDECREF(self->empty_text_error);
    Py_XDECREF(self->no_arguments);
    PyMem_Free(self->label_columns);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Scorer(blocks, idf, weights, intercepts, heads)
 *   blocks: sequence of (kind, min_n, max_n, min_token, sublinear, normalised, weight, terms, columns, n_columns)
 *           with kind "word" or "char_wb", terms one str of '\n'-separated terms and columns an int64 buffer
 *           (one local column per term; columns of later blocks follow those of earlier ones);
 *   idf: float64 buffer, one per feature; weights: float64 buffer, features x outputs; intercepts: one per output;
 *   heads: sequence of (start, stop, temperature) slices of the outputs, each given its own softmax. */
static int Scorer_init(Scorer *self, PyObject *args, PyObject *kwargs) {
    static char *keywords[] = {"blocks", "idf", "weights", "intercepts", "heads", NULL};
    PyObject *blocks, *idf, *weights, *intercepts, *heads;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOOOO:Scorer", keywords, &blocks, &idf, &weights, &intercepts,
                                     &heads))
        return -1;
    if (self->blocks) {
        PyErr_SetString(PyExc_RuntimeError, "a Scorer cannot be initialised twice");
        return -1;
    }
    PyObject *block_list = PySequence_Fast(blocks, "blocks must be a sequence");
    if (!block_list) return -1;
    int result = -1;
    Py_ssize_t n_blocks = PySequence_Fast_GET_SIZE(block_list);
    if (n_blocks < 1 || n_blocks > 255) {
        PyErr_SetString(PyExc_ValueError, "a model needs between 1 and 255 blocks");
        goto done;
    }
    self->blocks = PyMem_Calloc((size_t)n_blocks, sizeof(Block));
    if (!self->blocks) {
        PyErr_NoMemory();
        goto done;
    }
    self->n_blocks = n_blocks;
    Py_ssize_t offset = 0;
    for (Py_ssize_t b = 0; b < n_blocks; b++) {
        Block *block = &self->blocks[b];
        const char *kind;
        int sublinear, normalised;
        PyObject *terms, *columns;
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(block_list, b), "snnnppdUOn;a block is (kind, min_n, max_n, "
                              "min_token, sublinear, normalised, weight, terms, columns, n_columns)",
                              &kind, &block->min_n, &block->max_n, &block->min_token, &sublinear, &normalised,
                              &block->weight, &terms, &columns, &block->n_columns))
            goto done;
        if (strcmp(kind, "word") == 0)
            block->kind = KIND_WORD;
        else if (strcmp(kind, "char_wb") == 0)
            block->kind = KIND_CHAR_WB;
        else {
            PyErr_Format(PyExc_ValueError, "unknown analyzer %.100s", kind);
            goto done;
        }
        if (block->min_n < 1 || block->max_n < block->min_n || block->max_n > MAX_NGRAM || block->min_token < 1 ||
            block->n_columns < 0) {
            PyErr_SetString(PyExc_ValueError, "a block's n-gram range, shortest token or column count is invalid");
            goto done;
        }
        block->sublinear = sublinear;
        block->normalised = normalised;
        block->offset = offset;
        Py_buffer view;
        if (PyObject_GetBuffer(columns, &view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) goto done;
        const char *format = view.format ? view.format : "B";
        if (format[0] == '=' || format[0] == '@') format++;
        if (view.itemsize != 8 || (strcmp(format, "q") != 0 && strcmp(format, "l") != 0)) {
            PyErr_SetString(PyExc_TypeError, "columns must be a C-contiguous int64 buffer");
            PyBuffer_Release(&view);
            goto done;
        }
        int loaded = block_load(block, terms, (const int64_t *)view.buf, view.len / 8);
        PyBuffer_Release(&view);
        if (loaded < 0) goto done;
        if (block->n_columns > INT32_MAX - offset) {
            PyErr_SetString(PyExc_OverflowError, "too many features");
            goto done;
        }
        offset += block->n_columns;
    }
    self->n_features = offset;
    self->block_of = PyMem_Malloc((size_t)(offset > 0 ? offset : 1));
    if (!self->block_of) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t b = 0; b < n_blocks; b++)
        memset(self->block_of + self->blocks[b].offset, (int)b, (size_t)self->blocks[b].n_columns);
    Py_buffer idf_view, weights_view;
    if (get_double_buffer(idf, &idf_view, offset, 0, "idf") < 0) goto done;
    if (get_double_buffer(intercepts, &self->intercepts, -1, 0, "intercepts") < 0) goto done;
    self->have_intercepts = 1;
    self->n_outputs = self->intercepts.len / 8;
    self->stride = (self->n_outputs + 1 + 7) / 8 * 8;
    if (self->n_outputs < 1 || self->n_outputs > 1 << 20 || offset > PY_SSIZE_T_MAX / 16 / self->stride) {
        PyErr_SetString(PyExc_ValueError, "a model needs at least one output (and not too many)");
        PyBuffer_Release(&idf_view);
        goto done;
    }
    if (get_double_buffer(weights, &weights_view, offset * self->n_outputs, 0, "weights") < 0) {
        PyBuffer_Release(&idf_view);
        goto done;
    }
    self->rows_memory = PyMem_Calloc((size_t)(offset * self->stride + 8), sizeof(double));
    if (!self->rows_memory) {
        PyBuffer_Release(&idf_view);
        PyBuffer_Release(&weights_view);
        PyErr_NoMemory();
        goto done;
    }
    self->rows = (double *)(((uintptr_t)self->rows_memory + 63) & ~(uintptr_t)63);
    for (Py_ssize_t f = 0; f < offset; f++) {
        memcpy(self->rows + f * self->stride, (const double *)weights_view.buf + f * self->n_outputs,
               (size_t)self->n_outputs * sizeof(double));
        self->rows[f * self->stride + self->n_outputs] = ((const double *)idf_view.buf)[f];
    }
    PyBuffer_Release(&idf_view);
    PyBuffer_Release(&weights_view);
    PyObject *head_list = PySequence_Fast(heads, "heads must be a sequence");
    if (!head_list) goto done;
    self->n_heads = PySequence_Fast_GET_SIZE(head_list);
    self->head_start = PyMem_Calloc((size_t)self->n_heads + 1, sizeof(Py_ssize_t));
    self->head_stop = PyMem_Calloc((size_t)self->n_heads + 1, sizeof(Py_ssize_t));
    self->head_temperature = PyMem_Calloc((size_t)self->n_heads + 1, sizeof(double));
    if (!self->head_start || !self->head_stop || !self->head_temperature) {
        Py_DECREF(head_list);
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t h = 0; h < self->n_heads; h++) {
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(head_list, h), "nnd;a head is (start, stop, temperature)",
                              &self->head_start[h], &self->head_stop[h], &self->head_temperature[h])) {
            Py_DECREF(head_list);
            goto done;
        }
        if (self->head_start[h] < 0 || self->head_stop[h] <= self->head_start[h] ||
            self->head_stop[h] > self->n_outputs) {
            Py_DECREF(head_list);
            PyErr_Format(PyExc_ValueError, "head %zd covers outputs outside 0..%zd", h, self->n_outputs);
            goto done;
        }
    }
    Py_DECREF(head_list);
    self->pool_lock = PyThread_allocate_lock();
    if (!self->pool_lock) {
        PyErr_NoMemory();
        goto done;
    }
    result = 0;
    self->ready = 1;
done:
    Py_DECREF(block_list);
    return result;
}

static Scratch *shared_scratch(Scorer *self) {
    if (!self->shared) self->shared = scratch_new(self->n_features, self->n_blocks, self->n_outputs);
    return self->shared;
}

PyDoc_STRVAR(probabilities_doc,
             "probabilities(text, /)\n--\n\nEvery head's class probabilities for one str, as a tuple of floats.");

static PyObject *Scorer_probabilities(Scorer *self, PyObject *text) {
    if (check_ready(self) < 0) return NULL;
    int lower_ascii;
    PyObject *prepared = prepared_text(text, -1, &lower_ascii);
    if (!prepared) return NULL;
    Scratch *w = shared_scratch(self);
    double stack_out[64];
    double *out = self->n_outputs <= 64 ? stack_out : PyMem_Malloc((size_t)self->n_outputs * sizeof(double));
    PyObject *result = NULL;
    if (!w || !out) {
        PyErr_NoMemory();
        goto done;
    }
    if (score_text(self, w, PyUnicode_KIND(prepared), PyUnicode_DATA(prepared), PyUnicode_GET_LENGTH(prepared),
                   lower_ascii, out) < 0) {
        PyErr_NoMemory();
        goto done;
    }
    result = PyTuple_New(self->n_outputs);
    if (!result) goto done;
    for (Py_ssize_t k = 0; k < self->n_outputs; k++) {
        PyObject *value = PyFloat_FromDouble(out[k]);
        if (!value) {
            Py_CLEAR(result);
            goto done;
        }
        PyTuple_SET_ITEM(result, k, value);
    }
done:
    if (out && out != stack_out) PyMem_Free(out);
    Py_DECREF(prepared);
    return result;
}

typedef struct {
    PyObject *text;
    int kind;
    int lower_ascii;
    const void *data;
    Py_ssize_t length;
} Item;

PyDoc_STRVAR(score_into_doc,
             "score_into(texts, start, stop, out, /)\n--\n\n"
             "Write every head's probabilities for texts[start:stop] (a list of str) into ``out``, a writable\n"
             "C-contiguous float64 buffer of at least (stop - start) x outputs values. Releases the GIL while it\n"
             "scores. Raises TypeError naming the first item that is not a str.");

static PyObject *Scorer_score_into(Scorer *self, PyObject *args) {
    PyObject *texts, *out_object;
    Py_ssize_t start, stop;
    if (check_ready(self) < 0) return NULL;
    if (!PyArg_ParseTuple(args, "O!nnO:score_into", &PyList_Type, &texts, &start, &stop, &out_object)) return NULL;
    Py_ssize_t size = PyList_GET_SIZE(texts);
    if (start < 0 || stop > size || stop < start) {
        PyErr_Format(PyExc_IndexError, "rows %zd..%zd are outside a list of %zd texts", start, stop, size);
        return NULL;
    }
    Py_ssize_t n = stop - start;
    Py_buffer out;
    if (get_double_buffer(out_object, &out, -1, 1, "out") < 0) return NULL;
    if (n > 0 && out.len / 8 / n < self->n_outputs) {
        PyErr_Format(PyExc_ValueError, "out holds %zd values; %zd texts need %zd", out.len / 8, n, n * self->n_outputs);
        PyBuffer_Release(&out);
        return NULL;
    }
    Item *items = PyMem_Calloc((size_t)(n > 0 ? n : 1), sizeof(Item));
    if (!items) {
        PyBuffer_Release(&out);
        return PyErr_NoMemory();
    }
    Py_ssize_t prepared = 0;
    PyObject *result = NULL;
    for (; prepared < n; prepared++) {
        Item *item = &items[prepared];
        if (start + prepared >= PyList_GET_SIZE(texts)) { /* a str subclass's lower() emptied the list */
            PyErr_SetString(PyExc_RuntimeError, "the list of texts changed size while it was being scored");
            goto done;
        }
        PyObject *text = Py_NewRef(PyList_GET_ITEM(texts, start + prepared));
        item->text = prepared_text(text, start + prepared, &item->lower_ascii);
        Py_DECREF(text);
        if (!item->text) goto done;
        item->kind = PyUnicode_KIND(item->text);
        item->data = PyUnicode_DATA(item->text);
        item->length = PyUnicode_GET_LENGTH(item->text);
    }
    int failed = 0;
    Py_BEGIN_ALLOW_THREADS
    Scratch *w = scratch_take(self);
    if (!w) {
        failed = 1;
    } else {
        double *rows = out.buf;
        for (Py_ssize_t i = 0; i < n && !failed; i++) {
            const Item *item = &items[i];
            if (score_text(self, w, item->kind, item->data, item->length, item->lower_ascii,
                           rows + i * self->n_outputs) < 0)
                failed = 1;
        }
        if (failed)
            scratch_free(w); /* out of memory part way: start afresh next time */
        else
            scratch_give_back(self, w);
    }
    Py_END_ALLOW_THREADS
    if (failed) {
        PyErr_NoMemory();
        goto done;
    }
    result = Py_NewRef(Py_None);
done:
    for (Py_ssize_t i = 0; i < prepared; i++) Py_DECREF(items[i].text);
    PyMem_Free(items);
    PyBuffer_Release(&out);
    return result;
}

static PyObject *Scorer_get_n_outputs(Scorer *self, void *closure) { return PyLong_FromSsize_t(self->n_outputs); }
static PyObject *Scorer_get_n_features(Scorer *self, void *closure) { return PyLong_FromSsize_t(self->n_features); }

PyDoc_STRVAR(set_predictions_doc,
             "set_predictions(prediction_type, labels, label_columns, function_heads, text_type_error,\n"
             "                empty_text_error, /)\n--\n\n"
             "What classify() and classify_each() build: predictions of ``prediction_type`` laid out as for\n"
             "build_predictions(), and the exceptions raised for a text that is not a str or is blank.");
PyDoc_STRVAR(classify_doc,
             "classify(text, /)\n--\n\n"
             "Check one text, score it and return its prediction (see set_predictions), all in one call.");
PyDoc_STRVAR(classify_each_doc,
             "classify_each(texts, /)\n--\n\n"
             "classify() of every item of a list, in order, with the GIL held: for short lists. An error names\n"
             "the item (``item 3: ...``).");
static PyObject *Scorer_set_predictions(Scorer *self, PyObject *const *args, Py_ssize_t nargs);
static PyObject *Scorer_classify(Scorer *self, PyObject *text);
static PyObject *Scorer_classify_each(Scorer *self, PyObject *texts);

static PyMethodDef Scorer_methods[] = {
    {"probabilities", (PyCFunction)Scorer_probabilities, METH_O, probabilities_doc},
    {"score_into", (PyCFunction)Scorer_score_into, METH_VARARGS, score_into_doc},
    {"set_predictions", (PyCFunction)(void (*)(void))Scorer_set_predictions, METH_FASTCALL, set_predictions_doc},
    {"classify", (PyCFunction)Scorer_classify, METH_O, classify_doc},
    {"classify_each", (PyCFunction)Scorer_classify_each, METH_O, classify_each_doc},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Scorer_getset[] = {
    {"n_outputs", (getter)Scorer_get_n_outputs, NULL, "How many probabilities each text gets.", NULL},
    {"n_features", (getter)Scorer_get_n_features, NULL, "How many feature columns the model has.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject ScorerType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "lmclassify._fastscore.Scorer",
    .tp_doc = PyDoc_STR("A compiled model's blocks and heads, ready to score texts."),
    .tp_basicsize = sizeof(Scorer),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Scorer_init,
    .tp_dealloc = (destructor)Scorer_dealloc,
    .tp_methods = Scorer_methods,
    .tp_getset = Scorer_getset,
};

/* ------------------------------------------------------------------------------------------- module */
/* Whether a ready str is empty or only whitespace (what `not text.strip()` says). */
static int is_blank(PyObject *text) {
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text), k = 0;
    while (k < length && is_space(PyUnicode_READ(kind, data, k))) k++;
    return k == length;
}

PyDoc_STRVAR(first_invalid_doc,
             "first_invalid(texts, /)\n--\n\n"
             "Index of the first item of a list that is not a str or is empty or only whitespace; -1 if none.");

static PyObject *first_invalid(PyObject *module, PyObject *texts) {
    if (!PyList_Check(texts)) {
        PyErr_SetString(PyExc_TypeError, "first_invalid() expects a list");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(texts); i++) {
        PyObject *text = PyList_GET_ITEM(texts, i);
        if (!PyUnicode_Check(text)) return PyLong_FromSsize_t(i);
        if (ready(text) < 0) return NULL;
        if (is_blank(text)) return PyLong_FromSsize_t(i);
    }
    return PyLong_FromLong(-1);
}

static PyObject *name_label, *name_confidence, *name_scores, *name_function, *name_function_confidence;


/* One prediction from one row of probabilities; see build_predictions. */
static PyObject *prediction_of_row(PyTypeObject *type, PyObject *empty, const double *row, PyObject *labels,
                                   const Py_ssize_t *label_columns, PyObject *function_heads) {
    Py_ssize_t n_labels = PyTuple_GET_SIZE(labels), best = 0;
    for (Py_ssize_t j = 1; j < n_labels; j++)
        if (row[label_columns[j]] > row[label_columns[best]]) best = j;
    PyObject *scores = PyDict_New();
    if (!scores) return NULL;
    for (Py_ssize_t j = 0; j < n_labels; j++) {
        PyObject *value = PyFloat_FromDouble(row[label_columns[j]]);
        if (!value || PyDict_SetItem(scores, PyTuple_GET_ITEM(labels, j), value) < 0) {
            Py_XDECREF(value);
            Py_DECREF(scores);
            return NULL;
        }
        Py_DECREF(value);
    }
    PyObject *proxy = PyDictProxy_New(scores);
    Py_DECREF(scores);
    if (!proxy) return NULL;
    PyObject *function = Py_None, *function_confidence = Py_None;
    PyObject *head = PyTuple_GET_ITEM(function_heads, best);
    if (head != Py_None) {
        PyObject *classes = PyTuple_GET_ITEM(head, 0);
        Py_ssize_t start = PyLong_AsSsize_t(PyTuple_GET_ITEM(head, 1));
        Py_ssize_t stop = PyLong_AsSsize_t(PyTuple_GET_ITEM(head, 2));
        Py_ssize_t chosen = start;
        for (Py_ssize_t k = start + 1; k < stop; k++)
            if (row[k] > row[chosen]) chosen = k;
        function = PyTuple_GET_ITEM(classes, chosen - start);
        function_confidence = PyFloat_FromDouble(row[chosen]);
    } else {
        Py_INCREF(function_confidence);
    }
    PyObject *confidence = PyFloat_FromDouble(row[label_columns[best]]);
    PyObject *prediction = NULL;
    if (function_confidence && confidence) prediction = PyBaseObject_Type.tp_new(type, empty, NULL);
    if (prediction && (PyObject_GenericSetAttr(prediction, name_label, PyTuple_GET_ITEM(labels, best)) < 0 ||
                       PyObject_GenericSetAttr(prediction, name_confidence, confidence) < 0 ||
                       PyObject_GenericSetAttr(prediction, name_scores, proxy) < 0 ||
                       PyObject_GenericSetAttr(prediction, name_function, function) < 0 ||
                       PyObject_GenericSetAttr(prediction, name_function_confidence, function_confidence) < 0))
        Py_CLEAR(prediction);
    Py_DECREF(proxy);
    Py_XDECREF(confidence);
    Py_XDECREF(function_confidence);
    return prediction;
}

/* Check a prediction layout (see build_predictions) against a table `width` outputs wide, and read the label
 * columns into `label_columns` (as many as there are labels). Returns -1 with an exception set if it is wrong. */
static int parse_layout(PyObject *labels, PyObject *columns, PyObject *heads, Py_ssize_t width,
                        Py_ssize_t *label_columns) {
    if (!PyTuple_Check(labels) || !PyTuple_Check(columns) || !PyTuple_Check(heads) || PyTuple_GET_SIZE(labels) < 1 ||
        PyTuple_GET_SIZE(columns) != PyTuple_GET_SIZE(labels) || PyTuple_GET_SIZE(heads) != PyTuple_GET_SIZE(labels)) {
        PyErr_SetString(PyExc_TypeError, "a prediction layout needs three tuples as long as the labels");
        return -1;
    }
    for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(labels); j++) {
        label_columns[j] = PyLong_AsSsize_t(PyTuple_GET_ITEM(columns, j));
        if (label_columns[j] == -1 && PyErr_Occurred()) return -1;
        if (label_columns[j] < 0 || label_columns[j] >= width) {
            PyErr_SetString(PyExc_ValueError, "a label column is outside the table");
            return -1;
        }
        PyObject *head = PyTuple_GET_ITEM(heads, j);
        if (head == Py_None) continue;
        if (!PyTuple_Check(head) || PyTuple_GET_SIZE(head) != 3 || !PyTuple_Check(PyTuple_GET_ITEM(head, 0))) {
            PyErr_SetString(PyExc_TypeError, "a function head must be None or (classes, start, stop)");
            return -1;
        }
        Py_ssize_t start = PyLong_AsSsize_t(PyTuple_GET_ITEM(head, 1));
        Py_ssize_t stop = PyLong_AsSsize_t(PyTuple_GET_ITEM(head, 2));
        if (PyErr_Occurred()) return -1;
        if (start < 0 || stop > width || stop <= start || PyTuple_GET_SIZE(PyTuple_GET_ITEM(head, 0)) != stop - start) {
            PyErr_SetString(PyExc_ValueError, "a function head's columns do not fit the table or its classes");
            return -1;
        }
    }
    return 0;
}

PyDoc_STRVAR(build_predictions_doc,
             "build_predictions(table, prediction_type, labels, label_columns, function_heads, /)\n--\n\n"
             "A list with one prediction per row of ``table`` (a C-contiguous float64 array of every head's\n"
             "probabilities, one row per text). ``labels`` is a tuple of label names and ``label_columns`` a tuple\n"
             "of their columns in ``table``; ``function_heads`` has, for each label, ``None`` or a tuple\n"
             "``(classes, start, stop)`` naming that label's function classes and their columns. Each prediction is\n"
             "made with ``object.__new__(prediction_type)`` and given the attributes label, confidence, scores (a\n"
             "read-only mapping label -> probability), function and function_confidence, as Prediction has them.");

static PyObject *build_predictions(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "build_predictions() takes exactly 5 arguments");
        return NULL;
    }
    PyObject *type = args[1], *labels = args[2], *columns = args[3], *heads = args[4];
    if (!PyType_Check(type)) {
        PyErr_SetString(PyExc_TypeError, "build_predictions() needs a type and three tuples as long as the labels");
        return NULL;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(args[0], &view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | PyBUF_ND) < 0) return NULL;
    PyObject *result = NULL, *empty = NULL;
    Py_ssize_t n_labels = PyTuple_Check(labels) ? PyTuple_GET_SIZE(labels) : 0;
    Py_ssize_t *label_columns = PyMem_Calloc((size_t)n_labels + 1, sizeof(Py_ssize_t));
    if (!label_columns) {
        PyErr_NoMemory();
        goto done;
    }
    if (view.ndim != 2 || view.itemsize != 8 || strcmp(view.format ? view.format : "B", "d") != 0) {
        PyErr_SetString(PyExc_TypeError, "table must be a 2-D C-contiguous float64 array");
        goto done;
    }
    Py_ssize_t n_rows = view.shape[0], width = view.shape[1];
    if (parse_layout(labels, columns, heads, width, label_columns) < 0) goto done;
    empty = PyTuple_New(0);
    result = empty ? PyList_New(n_rows) : NULL;
    if (!result) goto done;
    for (Py_ssize_t i = 0; i < n_rows; i++) {
        PyObject *prediction = prediction_of_row((PyTypeObject *)type, empty, (const double *)view.buf + i * width,
                                                 labels, label_columns, heads);
        if (!prediction) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, i, prediction);
    }
done:
    Py_XDECREF(empty);
    PyMem_Free(label_columns);
    PyBuffer_Release(&view);
    return result;
}

static PyObject *Scorer_set_predictions(Scorer *self, PyObject *const *args, Py_ssize_t nargs) {
    if (check_ready(self) < 0) return NULL;
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "set_predictions() takes exactly 6 arguments");
        return NULL;
    }
    for (int k = 0; k < 6; k += k == 0 ? 4 : 1) { /* the type and both exception classes */
        if (!PyType_Check(args[k])) {
            PyErr_SetString(PyExc_TypeError, "set_predictions() needs a prediction type and two exception classes");
            return NULL;
        }
    }
    if (!PyType_IsSubtype((PyTypeObject *)args[4], (PyTypeObject *)PyExc_BaseException) ||
        !PyType_IsSubtype((PyTypeObject *)args[5], (PyTypeObject *)PyExc_BaseException)) {
        PyErr_SetString(PyExc_TypeError, "set_predictions() needs two exception classes");
        return NULL;
    }
    Py_ssize_t n_labels = PyTuple_Check(args[1]) ? PyTuple_GET_SIZE(args[1]) : 0;
    Py_ssize_t *label_columns = PyMem_Calloc((size_t)n_labels + 1, sizeof(Py_ssize_t));
    if (!label_columns) return PyErr_NoMemory();
    PyObject *no_arguments = PyTuple_New(0);
    if (!no_arguments || parse_layout(args[1], args[2], args[3], self->n_outputs, label_columns) < 0) {
        Py_XDECREF(no_arguments);
        PyMem_Free(label_columns);
        return NULL;
    }
    PyMem_Free(self->label_columns);
    self->label_columns = label_columns;
    Py_XSETREF(self->no_arguments, no_arguments);
    Py_XSETREF(self->prediction_type, Py_NewRef(args[0]));
    Py_XSETREF(self->labels, Py_NewRef(args[1]));
    Py_XSETREF(self->function_heads, Py_NewRef(args[3]));
    Py_XSETREF(self->text_type_error, Py_NewRef(args[4]));
    Py_XSETREF(self->empty_text_error, Py_NewRef(args[5]));
    Py_RETURN_NONE;
}

/* The prediction of one text (item `position` of a list, or -1 for a single text), scored with the shared
 * scratch area while the GIL is held; raises the layout's exceptions for a text that is not a str or is blank. */
static PyObject *prediction_of_text(Scorer *self, PyObject *text, Py_ssize_t position) {
    char where[48] = "";
    if (position >= 0) PyOS_snprintf(where, sizeof where, "item %zd: ", position);
    if (!PyUnicode_Check(text)) {
        PyObject *name = PyObject_GetAttrString((PyObject *)Py_TYPE(text), "__name__");
        if (name) PyErr_Format(self->text_type_error, "%sexpected a str to classify, got %S", where, name);
        Py_XDECREF(name);
        return NULL;
    }
    if (ready(text) < 0) return NULL;
    if (is_blank(text)) {
        PyErr_Format(self->empty_text_error, "%stext is empty or only whitespace; there is nothing to classify", where);
        return NULL;
    }
    int lower_ascii;
    PyObject *prepared = prepared_text(text, position, &lower_ascii);
    if (!prepared) return NULL;
    Scratch *w = shared_scratch(self);
    double stack_out[64];
    double *out = self->n_outputs <= 64 ? stack_out : PyMem_Malloc((size_t)self->n_outputs * sizeof(double));
    PyObject *prediction = NULL;
    if (!w || !out || score_text(self, w, PyUnicode_KIND(prepared), PyUnicode_DATA(prepared),
                                 PyUnicode_GET_LENGTH(prepared), lower_ascii, out) < 0)
        PyErr_NoMemory();
    else
        prediction = prediction_of_row((PyTypeObject *)self->prediction_type, self->no_arguments, out, self->labels,
                                       self->label_columns, self->function_heads);
    if (out && out != stack_out) PyMem_Free(out);
    Py_DECREF(prepared);
    return prediction;
}

static int check_predictions_set(const Scorer *self) {
    if (check_ready(self) < 0) return -1;
    if (self->prediction_type) return 0;
    PyErr_SetString(PyExc_RuntimeError, "call set_predictions() before classify()");
    return -1;
}

static PyObject *Scorer_classify(Scorer *self, PyObject *text) {
    if (check_predictions_set(self) < 0) return NULL;
    return prediction_of_text(self, text, -1);
}

static PyObject *Scorer_classify_each(Scorer *self, PyObject *texts) {
    if (check_predictions_set(self) < 0) return NULL;
    if (!PyList_Check(texts)) {
        PyErr_SetString(PyExc_TypeError, "classify_each() expects a list");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(texts);
    PyObject *result = PyList_New(n);
    if (!result) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (i >= PyList_GET_SIZE(texts)) { /* a str subclass's lower() emptied the list */
            PyErr_SetString(PyExc_RuntimeError, "the list of texts changed size while it was being classified");
            Py_DECREF(result);
            return NULL;
        }
        PyObject *text = Py_NewRef(PyList_GET_ITEM(texts, i));
        PyObject *prediction = prediction_of_text(self, text, i);
        Py_DECREF(text);
        if (!prediction) {
            Py_DECREF(result);
            return NULL;
        }
        PyList_SET_ITEM(result, i, prediction);
    }
    return result;
}

static PyMethodDef module_methods[] = {
    {"first_invalid", (PyCFunction)first_invalid, METH_O, first_invalid_doc},
    {"build_predictions", (PyCFunction)(void (*)(void))build_predictions, METH_FASTCALL, build_predictions_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "lmclassify._fastscore",
    .m_doc = "N-gram extraction, vocabulary lookup, TF-IDF and scoring in C for lmclassify.runtime.",
    .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC PyInit__fastscore(void) {
    for (int c = 0; c < 128; c++) ascii_word[c] = Py_UNICODE_ISALNUM((Py_UCS4)c) || c == '_';
    for (int c = 0; c < 256; c++) {
        latin1_spaced[c] = is_space((Py_UCS4)c) ? ' ' : (Py_UCS4)c;
        ascii_lowered_spaced[c] = (c >= 'A' && c <= 'Z') ? (Py_UCS4)(c + 'a' - 'A') : latin1_spaced[c];
    }
    if (PyType_Ready(&ScorerType) < 0) return NULL;
    name_label = PyUnicode_InternFromString("label");
    name_confidence = PyUnicode_InternFromString("confidence");
    name_scores = PyUnicode_InternFromString("scores");
    name_function = PyUnicode_InternFromString("function");
    name_function_confidence = PyUnicode_InternFromString("function_confidence");
    if (!name_label || !name_confidence || !name_scores || !name_function || !name_function_confidence) return NULL;
    PyObject *module = PyModule_Create(&module_def);
    if (!module) return NULL;
    Py_INCREF(&ScorerType);
    if (PyModule_AddObject(module, "Scorer", (PyObject *)&ScorerType) < 0) {
        Py_DECREF(&ScorerType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
