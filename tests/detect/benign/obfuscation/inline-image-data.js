// benign: category=obfuscation max-plugin=79 max-package=79
// why: a long base64 constant bound to a name is an inline PNG used as an image source later.
const PLACEHOLDER_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAABgAAAAYCAYAAADgdz34AAAHkElEQVR42g3V/X9NhQPA8XN1uDoMfY2QpGTWmlr7' +
  'Kk/raypLm4d5WGbVkqa2b0JoVkkeFpE0mkWPK/NYMVqSRprK6ujamVOnrt05c+vk6uSsk1vXDufT+Qvev3xer48g' +
  'CPUMFGQyhQBzBYVyQeUzQaNZCHKFECJR0BkvhJkvGLwuRKgVTFoEiw6Czc1ClGwhxtOCwxuCyxeCj18EkSsFP7cI' +
  'ElOEOIROHpDSXiZHCvBsV4V341W+6q0R6Reky4AQ/03UyR0c5vlUg/eHRjiWZmKOtrgqw+aOrCgPZMdYmuOwNc/l' +
  'u4d9WAUi8UV+hs+RyF/gAT09YKQkMyM+wIv9FHYlqpxI1biQFqR3Roj/Zes8mhfmpQKDj+ZEaCwx+We5Rd+1NqMr' +
  'ojxWGePlXQ7VNS4/HPbRVi9yXaOfe5okigwPuN4DMrrKPNEvQNlghU/SVIJZGuQFubEoxH0lOnNWhXmtwuDA1gih' +
  'GpN2Ry0GNdqMa4nyVGuMChw+7+KiX+ujfbJI0kg/EzMlFk73gGQPmBQvU5wY4M00hSPZKr8WaEglQW5dG2Jqpc4z' +
  'NWHeqTc42hThbKtJnGiR2stmWnKUxekx3pvq8E2hy++LfXQrE7m9yk/eAYkXjnvAUA94sLfMstQA27IU5AKV1uc1' +
  'elQEGbEnxMP1OqUtYXa2GQS6R/gr2aTXGIs7821mLoqyqizGhzsdlDqXv0/5uOaCSHqcn1kJEmtGecBdHvB4P5m1' +
  'aQH25in8WKLiVGj0rwkypjHE/1t1Xu0SpibZ4OfMCG6hyYCVFmOrbJ6si7JBj/Gp69DU18U3wkdCrkhWsZ955RIb' +
  '93nAeA+YP0Dm9YwAtUUKLWtVOuzRuLkxSHY0xNO9dN4YGeaLfINflkW4ssrklmMWU87ZlMRFeTslRt0Uh9+KXTpv' +
  '9nFbrcj9p/08106icqAH5HrA84ky72cHOFaiYFaqXFWvcUdrkAd6hViarrO1MMx3ZQbWgQjxusnwjhb5KTYrcqPs' +
  'WBrj+x0OdoPL1TEfaf1FHhnrZ+U8iQ82ecCjHvDSYJmP8gI0rlL4p0alb4vG6C5BHhsZ4uVCneqNYX6oM2izIlzX' +
  '1+Se+yyKim3WbYnycUOMny47XE5yuWGaj3tLRWbv9bO+WWJ/Jw+Y4wGvpcocKAgQqlBoV68yqE1jXHKQp/JDVJTp' +
  'fF4XRr9g0D4hQlKuycQ1FgtrbTafj3K4f4zwZIeOpS6D9/uYfFZkUR8/b42T+HKJBzzjAe8MlTk6J8DZrQpxTSqp' +
  '3TWmZQZZvCzEewd0vrHC/J5g0O2hCLeXm+TJFi+0s6kaHuXbeTHOb3fo3uwyrIePh8aJLF/hZ/tBieN/ekCpB+xM' +
  'kwmUBPirRqFXq8qdyRozC4Osqgrxoa6j9A3zd67BNeUR0htMZnW2WDPWZk9pFPVIjIuXHPoNc7l7oY/CapFXTD/7' +
  'EiW0Ag941QNqRsv8vDyAe1RhgKgydozGkyuDbDgW4tOOOk33hfGtMUiQI2R1Npk33mLjOpuDJ6Kc7hZDnORw0waX' +
  'CSd9LIgX2ZTj51CFxBnNA97wgC8yZH5ZG+DKRoVbeqlMydcoqQry9rkQdSm6l2CYzrUGt7WLcP9Yk+fWWVSqNl/3' +
  'iXJuRoyu2xyGmC7TU30sKRHZcthPvSjxR6YHbPWA77JkrIoA8S0Kw5NV8hdprKgLsiMuxPe5OvaWMFefN0gbHuGR' +
  'UpOVJyw+6GPTMCtKtDpGH8dhVIZLwXofq5tEdg/yc3K+ROyQB1R7wA/ZMm2VAa5rVbgnXaWoTGOdHuTjlBA/LdW5' +
  '3BDmhv4G986LMPuIyfpuFvtn2JyqjiJ4PxiY7ZBZ6TK31Ud5ushnZX6adYkrUjzgcw/Qc2Ta7wqQhMLEqSoLd2ps' +
  'doMcnhIivEOn4+UwgycbTN4eYdElk7cmWXy5zcZwonTyfpCy1SGnzeXZiT7erRL56qKfyASJLls84BsP+D1PpltN' +
  'gNu7KOQVqrxQp1HVN8i3xSHON+h0TwozrNTgoeYIy4eZbN9gcdy0+TMjSk/vByPbHGZMdXlxt49dHUVOzPRzoVai' +
  'd08PUDzg74dlrjkcIP1ahVmLVdac0tgzIoi6OcTFmE6/aWHu3m9Q2CPCKwtN9p200FJtLq2Pcr33g4yJDk/sdimL' +
  '8/HJbJGg7IckiRtXe0CTB/gKZBLqA2QlK8wrU9l4QeNgbpDTtSHE/jo3lYaZcNZgwbgIm6pNDsVbnCmx8TdFSfZ+' +
  'MKnKobijy5uzfRxpEPl1iB9pk8StlzzgNw/oXCRzW2OA+0cqPFelUhmn8XVxkHOnQ3QdqzNkb5jpfQyWrIiwxTSp' +
  'z7H447DNfwZFGer94MGLDstmumyTfchDRFrf9tOjg8SIuR5ge8DVc2TSmgI8kqmw8oDKBwkaDeVBou1C9JmnM6o5' +
  'TME4g9UHI+xONDlZYRETba6dH+Uu7wePT3BYW+uyN8nHj5tEnA5++i+UGHPGAy57wA0LZO41AsyerrD+uMr+URqn' +
  '9gURBoYYuEkns1OYuUsMyv+M8FmBSbNmcUWmTeKhKOO9H8zf4vB6T5fa1T5aLol0mOvn5jMS2Tlx/AtoCvB8U6n9' +
  'wwAAAABJRU5ErkJggg==';

function lazyImages(root = document) {
  const imgs = root.querySelectorAll('img[data-src]');
  const io = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (!e.isIntersecting) continue;
      e.target.src = e.target.dataset.src;
      io.unobserve(e.target);
    }
  });
  imgs.forEach((img) => {
    if (!img.src) img.src = 'data:image/png;base64,' + PLACEHOLDER_PNG;
    io.observe(img);
  });
}

lazyImages();
