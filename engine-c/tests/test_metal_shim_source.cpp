// test_metal_shim_source.cpp — what the shim cannot see, read from the shader sources: every
// kernel the host plans for exists under its name, and its [[buffer(i)]] indices are 0, 1, …
// in parameter order with the argument block last, as many as the plan binds plus one. The shim
// binds buffers by position and the host by index, so this is what makes the two the same.
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

extern "C" {
#include "tb_test.h"
#include "../src/backend/metal_plan.h"
}

namespace {

const char *const kShaders[] = { "qmv.metal", "swiglu.metal", "combine.metal" };

std::string read_file(const std::string &path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Comments out, line continuations joined.
std::string strip(const std::string &s) {
  std::string out;
  for (size_t i = 0; i < s.size(); i++) {
    if (s.compare(i, 2, "\\\n") == 0) { out += ' '; i++; continue; }
    if (s.compare(i, 2, "//") == 0) {
      if ((i = s.find('\n', i)) == std::string::npos) break;
      out += '\n';
      continue;
    }
    if (s.compare(i, 2, "/*") == 0) {
      if ((i = s.find("*/", i + 2)) == std::string::npos) break;
      out += ' ';
      i++;
      continue;
    }
    out += s[i];
  }
  return out;
}

bool ident_char(char c) { return std::isalnum((unsigned char)c) || c == '_'; }

// Object-like macros (#define NAME body) substituted identifier by identifier, to a fixed point.
std::string expand(std::string text, const std::map<std::string, std::string> &macros) {
  for (int depth = 0; depth < 8; depth++) {
    std::string out;
    bool changed = false;
    for (size_t i = 0; i < text.size();) {
      if (!ident_char(text[i])) { out += text[i++]; continue; }
      size_t j = i;
      while (j < text.size() && ident_char(text[j])) j++;
      auto it = macros.find(text.substr(i, j - i));
      out += it != macros.end() ? it->second : text.substr(i, j - i);
      changed |= it != macros.end();
      i = j;
    }
    text = out;
    if (!changed) break;
  }
  return text;
}

std::string trim(const std::string &s) {
  size_t a = s.find_first_not_of(" \t\n"), b = s.find_last_not_of(" \t\n");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

struct kernel_sig {
  std::string file;
  std::vector<std::string> params;
};

// `kernel void NAME(params)` in every shader, macros expanded, parameters split at top-level commas.
std::map<std::string, kernel_sig> read_kernels() {
  std::map<std::string, kernel_sig> out;
  for (const char *name : kShaders) {
    std::string src = strip(read_file(std::string(TB_METAL_DIR) + "/" + name));
    TB_CHECK(!src.empty(), "cannot read %s/%s", TB_METAL_DIR, name);
    std::map<std::string, std::string> macros;
    std::istringstream lines(src);
    for (std::string line; std::getline(lines, line);) {
      std::istringstream ls(line);
      std::string hash, macro;
      ls >> hash >> macro;
      if (hash == "#define" && macro.find('(') == std::string::npos) {
        std::string body;
        std::getline(ls, body);
        macros[macro] = trim(body);
      }
    }
    for (size_t at = src.find("kernel "); at != std::string::npos; at = src.find("kernel ", at + 1)) {
      if (at > 0 && ident_char(src[at - 1])) continue;
      std::istringstream ks(src.substr(at + 7, 200));
      std::string ret, kname;
      ks >> ret >> kname;
      size_t open = src.find('(', at);
      if (ret != "void" || open == std::string::npos) continue;
      kname = kname.substr(0, kname.find('('));
      size_t close = open;
      for (int depth = 0; close < src.size(); close++) {
        depth += src[close] == '(';
        depth -= src[close] == ')';
        if (depth == 0) break;
      }
      std::string params = expand(src.substr(open + 1, close - open - 1), macros);
      kernel_sig sig = { name, {} };
      int depth = 0;
      std::string cur;
      for (char c : params + ",") {
        depth += (c == '(' || c == '[') - (c == ')' || c == ']');
        if (c == ',' && depth == 0) {
          sig.params.push_back(trim(cur));
          cur.clear();
        } else {
          cur += c;
        }
      }
      TB_CHECK(!out.count(kname), "kernel %s defined twice", kname.c_str());
      out[kname] = sig;
    }
  }
  return out;
}

// N of a parameter's [[buffer(N)]], or -1.
int buffer_index(const std::string &param) {
  size_t at = param.find("[[buffer(");
  return at == std::string::npos ? -1 : std::atoi(param.c_str() + at + 9);
}

// The binds the plan gives each kernel.
int planned_binds(int kernel) {
  tb_mtl_dispatch d;
  tb_part parts[3] = { { 0, 64 }, { 64, 4 }, { 68, 4 } };
  switch (kernel) {
    case TB_MK_QMV_Q2: tb_mtl_plan_qmv(parts, 1, 64, 2, 64, TB_MR_X, TB_MR_Y, TB_MTL_X_TILE_MAX, &d); break;
    case TB_MK_QMV_Q4: tb_mtl_plan_qmv(parts, 1, 64, 4, 64, TB_MR_X, TB_MR_Y, TB_MTL_X_TILE_MAX, &d); break;
    case TB_MK_QMV_Q8: tb_mtl_plan_qmv(parts, 1, 64, 8, 64, TB_MR_X, TB_MR_Y, TB_MTL_X_TILE_MAX, &d); break;
    case TB_MK_SWIGLU: tb_mtl_plan_swiglu(10, &d); break;
    default: tb_mtl_plan_combine(10, 2, &d); break;
  }
  TB_CHECK(d.kernel == kernel, "the plan for %s dispatches %s", tb_mtl_kernel_names[kernel],
           tb_mtl_kernel_names[d.kernel]);
  return d.binds;
}

}  // namespace

TB_TEST(metal_shim_source_kernels_match_the_plan) {
  std::map<std::string, kernel_sig> kernels = read_kernels();
  TB_CHECK((int)kernels.size() == TB_MK_COUNT, "the shaders define %zu kernels, the plan knows %d",
           kernels.size(), TB_MK_COUNT);
  for (int k = 0; k < TB_MK_COUNT; k++) {
    const char *name = tb_mtl_kernel_names[k];
    auto it = kernels.find(name);
    TB_CHECK(it != kernels.end(), "kernel %s (metal_plan.c) is in no shader", name);
    if (it == kernels.end()) continue;
    const std::vector<std::string> &p = it->second.params;
    int buffers = 0;
    for (size_t i = 0; i < p.size(); i++) {
      int index = buffer_index(p[i]);
      if (index < 0) continue;
      TB_CHECK((int)i == buffers && index == buffers,
               "%s (%s): parameter %zu '%s' is buffer %d; buffers must be parameters 0, 1, … in index order",
               name, it->second.file.c_str(), i, p[i].c_str(), index);
      buffers++;
    }
    int binds = planned_binds(k);
    TB_CHECK(buffers == binds + 1, "%s: %d buffer parameters, the plan binds %d buffers + the argument block",
             name, buffers, binds);
    if (buffers == binds + 1)
      TB_CHECK(p[binds].rfind("constant ", 0) == 0 && p[binds].find('&') != std::string::npos,
               "%s: buffer %d should be the constant argument block, is '%s'", name, binds, p[binds].c_str());
    for (size_t i = buffers; i < p.size(); i++)
      TB_CHECK(p[i].find("[[") != std::string::npos || p[i].find("TB_THREADGROUP_ATTR(0)") != std::string::npos,
               "%s: parameter '%s' has no attribute", name, p[i].c_str());
  }
}
